// consistent-hash routing by a connection's head: what `routeBy` turns on, and keys a worker claims.
import { describe, expect, it } from 'vitest';
import { ConsistentHashStrategy, strategyFactory } from '../src/index.js';
import { createHarness } from './helpers/harness.js';

describe('consistent-hash with routeBy', () => {
  it('asks the primary for the head, and keys by the routing key only', () => {
    const strategy = new ConsistentHashStrategy({
      routeBy: ['cookie:sid', 'proxy'],
      maxHeadBytes: 4096,
      headTimeoutMs: 500,
    });
    expect(strategy.head).toMatchObject({ maxBytes: 4096, timeoutMs: 500 });
    expect(strategy.needsPeer).toBe(false);
    const plain = new ConsistentHashStrategy();
    expect(plain.head).toBeUndefined();
    expect(plain.needsPeer).toBe(true);
    // Without a key a connection goes to the least loaded worker, not by its address.
    const harness = createHarness(strategy);
    for (let id = 1; id <= 3; id++) harness.dispatcher.addWorker(id);
    const placed = [1, 2, 3, 4, 5, 6].map(() => harness.routeAccepted({ remoteAddress: '10.0.0.1' }));
    expect(new Set(placed).size).toBe(3);
  });

  it('passes the trusted proxies on to the primary, and checks them', () => {
    const strategy = new ConsistentHashStrategy({ routeBy: 'proxy', proxyFrom: ['10.0.0.5'] });
    expect(strategy.head?.proxyFrom).toEqual(['10.0.0.5']);
    expect(
      strategy.head?.examine(new TextEncoder().encode('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), false),
    ).toMatchObject({
      done: true,
      routingKey: '1.2.3.4',
    });
    for (const proxyFrom of [[], [''], 'x'] as never[]) {
      expect(() => new ConsistentHashStrategy({ routeBy: 'proxy', proxyFrom })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
    expect(() => new ConsistentHashStrategy({ proxyFrom: ['10.0.0.5'] })).toThrow('needs options.routeBy');
    expect(() => new ConsistentHashStrategy({ routeBy: 'proxy', maxHeadBytes: 0 })).toThrow(
      'options.maxHeadBytes',
    );
  });

  it('is reachable by name with strategy options, and rejects a bad source at setup', () => {
    const factory = strategyFactory('consistent-hash', { routeBy: 'query:sid' });
    expect(
      factory().head?.examine(new TextEncoder().encode('GET /?sid=abc HTTP/1.1\r\n'), false),
    ).toMatchObject({
      done: true,
      routingKey: 'abc',
    });
    expect(() => strategyFactory('consistent-hash', { routeBy: 'color:blue' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('sends a claimed key to the worker that claimed it, above the load bound, until another claims it', () => {
    const harness = createHarness(new ConsistentHashStrategy({ routeBy: 'query:sid', epsilon: 0 }));
    for (let id = 1; id <= 3; id++) harness.dispatcher.addWorker(id);
    const home = harness.routeAccepted({ routingKey: 'session-1' }) as number;
    const other = home === 3 ? 1 : home + 1;
    harness.dispatcher.claim(other, 'session-1');
    for (let i = 0; i < 10; i++) expect(harness.routeAccepted({ routingKey: 'session-1' })).toBe(other);
    harness.dispatcher.claim(home, 'session-1');
    expect(harness.routeAccepted({ routingKey: 'session-1' })).toBe(home);
    // A claim of a key never seen places it too; an unknown worker's claim changes nothing.
    harness.dispatcher.claim(other, 'fresh');
    expect(harness.routeAccepted({ routingKey: 'fresh' })).toBe(other);
    expect(harness.dispatcher.claim(99, 'fresh')).toBe(false);
    expect(harness.routeAccepted({ routingKey: 'fresh' })).toBe(other);
  });

  it('forgets a claim when its worker leaves: the key is placed anew', () => {
    const harness = createHarness(new ConsistentHashStrategy({ routeBy: 'query:sid' }));
    for (let id = 1; id <= 2; id++) harness.dispatcher.addWorker(id);
    harness.dispatcher.claim(2, 'k');
    expect(harness.routeAccepted({ routingKey: 'k' })).toBe(2);
    harness.dispatcher.connectionClosed(2);
    harness.dispatcher.removeWorker(2);
    expect(harness.routeAccepted({ routingKey: 'k' })).toBe(1);
  });

  it('remembers no claims with maxKeys 0', () => {
    const harness = createHarness(new ConsistentHashStrategy({ routeBy: 'query:sid', maxKeys: 0 }));
    for (let id = 1; id <= 4; id++) harness.dispatcher.addWorker(id);
    const hashed = harness.routeAccepted({ routingKey: 'k' }) as number;
    harness.dispatcher.connectionClosed(hashed);
    harness.dispatcher.claim(hashed === 1 ? 2 : 1, 'k');
    expect(harness.routeAccepted({ routingKey: 'k' })).toBe(hashed);
  });
});
