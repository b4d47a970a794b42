// Adapts one worker's ChildProcess to the protocol's Transport for Shoal's extension channel.
import type { ChildProcess } from 'node:child_process';
import type { Transport } from '@shoal/protocol';
import { internalMessageEvent } from './node-internals.js';

export function childTransport(child: ChildProcess): Transport {
  return {
    send(message: unknown): void {
      if (child.connected) child.send(message as object, undefined, undefined, ignoreError);
    },
    onMessage(listener: (message: unknown) => void): () => void {
      const onInternal = (message: unknown): void => listener(message);
      child.on(internalMessageEvent as 'message', onInternal);
      return () => child.off(internalMessageEvent as 'message', onInternal);
    },
    onClose(listener: () => void): () => void {
      child.once('disconnect', listener);
      return () => child.off('disconnect', listener);
    },
  };
}

function ignoreError(): void {}
