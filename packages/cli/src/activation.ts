// systemd socket activation (the sd_listen_fds(3) protocol): which fds are the listening sockets the service
// manager passed this process, for the primary to serve (`settings.inheritedSockets`) instead of binding.

/** SD_LISTEN_FDS_START: systemd passes its sockets from fd 3 on, after stdin, stdout and stderr. */
const firstFd = 3;

/**
 * The fds of the listening sockets systemd passed this process: `LISTEN_FDS` of them from fd 3 on, when
 * `LISTEN_PID` is this process's pid (otherwise they were meant for another process, and none are taken). Either
 * way `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` are then deleted from `env` (by default `process.env`, which
 * workers inherit), as sd_listen_fds(unset_environment) does: a worker must never take the primary's sockets for
 * its own, and its pid would not match anyway.
 */
export function inheritedSockets(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): number[] {
  const listenPid = env.LISTEN_PID;
  const listenFds = env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (listenPid === undefined || listenFds === undefined) return [];
  if (!/^[0-9]+$/.test(listenPid) || Number(listenPid) !== pid) return [];
  if (!/^[0-9]+$/.test(listenFds)) return [];
  return Array.from({ length: Number(listenFds) }, (_, index) => firstFd + index);
}
