// Adapts this worker process's IPC channel to the protocol's Transport: Shoal messages in and out.
import type { Transport } from '@shoal/protocol';

export function processTransport(): Transport {
  return {
    send(message: unknown): void {
      if (process.connected && process.send)
        process.send(message as object, undefined, undefined, ignoreError);
    },
    onMessage(listener: (message: unknown) => void): () => void {
      const onInternal = (message: unknown): void => listener(message);
      process.on('internalMessage' as 'message', onInternal);
      return () => process.off('internalMessage' as 'message', onInternal);
    },
    onClose(listener: () => void): () => void {
      process.once('disconnect', listener);
      return () => process.off('disconnect', listener);
    },
  };
}

function ignoreError(): void {}
