// A supervised primary's signals: SIGHUP reloads; SIGTERM and SIGINT shut down gracefully and exit 0; a second
// SIGTERM/SIGINT during shutdown kills what is left and exits 1.
import type { Supervisor } from './supervisor.js';

export function installSignalHandlers(supervisor: Supervisor<object, object>): () => void {
  let stopping = false;
  const onHangup = (): void => {
    supervisor.reload().catch(() => {
      // Shutting down: nothing to reload.
    });
  };
  const onStop = (): void => {
    if (stopping) {
      supervisor.forceStop();
      process.exit(1);
    }
    stopping = true;
    void supervisor.shutdown().then(() => {
      remove();
      process.exit(process.exitCode ?? 0);
    });
  };
  const remove = (): void => {
    process.off('SIGHUP', onHangup);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  };
  process.on('SIGHUP', onHangup);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  return remove;
}
