// The primary's diagnostics channels: every one named shoal:*, reachable by name through diagnostics_channel.
import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { channelNames, channels } from '../src/diagnostics.js';

describe('diagnostics channels', () => {
  it('names every channel shoal:* and publishes to subscribers by that name', () => {
    expect(Object.keys(channels).sort()).toEqual(Object.keys(channelNames).sort());
    for (const [id, name] of Object.entries(channelNames)) {
      expect(name).toMatch(/^shoal:[a-z-]+$/);
      const channel = channels[id as keyof typeof channels];
      expect(channel.name).toBe(name);
      expect(channel).toBe(diagnosticsChannel.channel(name));
      const seen: unknown[] = [];
      const listener = (message: unknown): void => {
        seen.push(message);
      };
      expect(channel.hasSubscribers).toBe(false);
      diagnosticsChannel.subscribe(name, listener);
      try {
        expect(channel.hasSubscribers).toBe(true);
        channel.publish({ probe: id });
      } finally {
        diagnosticsChannel.unsubscribe(name, listener);
      }
      expect(seen).toEqual([{ probe: id }]);
      expect(channel.hasSubscribers).toBe(false);
    }
  });

  it('has distinct names', () => {
    const names = Object.values(channelNames);
    expect(new Set(names).size).toBe(names.length);
  });
});
