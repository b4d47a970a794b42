// A supervised worker leaves the terminal's signals to its primary: Ctrl-C (SIGINT) and a closing terminal (SIGHUP)
// reach the whole foreground process group, and the primary answers them in order (shutdown, reload). A listener
// that does nothing keeps Node from ending the worker at once; an app's own listeners still run as before.
function leaveToPrimary(): void {}

export function leaveTerminalSignalsToPrimary(): () => void {
  process.on('SIGINT', leaveToPrimary);
  process.on('SIGHUP', leaveToPrimary);
  return () => {
    process.off('SIGINT', leaveToPrimary);
    process.off('SIGHUP', leaveToPrimary);
  };
}
