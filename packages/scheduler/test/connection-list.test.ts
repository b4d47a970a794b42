import { describe, expect, it } from 'vitest';
import { ConnectionList } from '../src/connection-list.js';

describe('ConnectionList', () => {
  it('keeps entries in order through push, unshift and removals', () => {
    const list = new ConnectionList<string>();
    list.push('b', { key: 'b' }, undefined);
    list.push('c', { key: 'c' }, [1]);
    list.unshift('a', { key: 'a' }, undefined);
    expect(list.toArray()).toEqual(['a', 'b', 'c']);
    expect(list.infoAt(2)).toEqual({ key: 'c' });
    expect(list.refusalsAt(2)).toEqual([1]);
    list.removeAt(0);
    list.unshift('z', { key: 'z' }, undefined); // reuses the freed head slot
    expect(list.toArray()).toEqual(['z', 'b', 'c']);
    list.removeAt(1);
    expect(list.toArray()).toEqual(['z', 'c']);
    expect(list.indexOf('c')).toBe(1);
    expect(list.indexOf('b')).toBe(-1);
    expect(list.takeAll()).toEqual(['z', 'c']);
    expect(list.length).toBe(0);
    expect(list.takeAll()).toEqual([]);
  });

  it('compacts a long-lived queue and stays consistent', () => {
    const list = new ConnectionList<number>();
    const model: number[] = [];
    for (let i = 0; i < 5000; i++) {
      list.push(i, { key: 'k' }, undefined);
      model.push(i);
      if (i % 3 !== 0) {
        list.removeAt(0);
        model.shift();
      }
      if (i % 101 === 0) {
        list.removeAt(Math.floor(list.length / 2));
        model.splice(Math.floor(model.length / 2), 1);
      }
    }
    expect(list.length).toBe(model.length);
    expect(list.toArray()).toEqual(model);
    expect(list.connectionAt(0)).toBe(model[0]);
  });
});
