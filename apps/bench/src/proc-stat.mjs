// CPU time and resident memory of another process, read from Linux's /proc (undefined elsewhere).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;

function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of `pid` in milliseconds, or undefined when /proc cannot tell. */
export function cpuMs(pid) {
  try {
    return ticksToMs(cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')));
  } catch {
    return undefined;
  }
}

/** utime + stime, in clock ticks, from the text of a /proc/<pid>/stat file. */
export function cpuTicks(stat) {
  // The command name (field 2) may hold spaces and parentheses: count fields from its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function ticksToMs(ticks) {
  return (ticks * 1000) / clockTicks();
}

/** Resident set size of `pid` in bytes, or undefined when /proc cannot tell. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine spent busy (all cores, user + system + irq + steal) in ms, from /proc/stat. */
export function machineBusyMs() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return ticksToMs(user + nice + system + irq + softirq + (steal ?? 0));
  } catch {
    return undefined;
  }
}
