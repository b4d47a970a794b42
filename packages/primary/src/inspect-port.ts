// Gives each forked worker its own inspector port when the primary or the worker runs with an inspector.
import { errSocketBadPort } from './errors.js';

const inspectorFlag = /--inspect(?:-brk|-port|-wait)?|--debug-port/;
const highestPort = 65535;

let portOffset = 1;

/** Whether these `execArgv` (or NODE_OPTIONS) turn the inspector on. */
export function isUsingInspector(execArgv: readonly string[]): boolean {
  return (
    execArgv.some((arg) => inspectorFlag.test(arg)) || inspectorFlag.test(process.env.NODE_OPTIONS ?? '')
  );
}

/** The port for the next worker: the user's number or function, else the primary's port plus a growing offset. */
export function nextInspectPort(inspectPort: number | string | (() => number) | undefined): number {
  let port: unknown = inspectPort;
  if (typeof inspectPort === 'function') {
    port = inspectPort();
  } else if (inspectPort === undefined) {
    let candidate = process.debugPort + portOffset;
    if (candidate > highestPort) candidate = candidate - highestPort + 1023;
    portOffset++;
    port = candidate;
  }
  // Numbers and numeric strings are ports, as Node's validatePort takes them.
  const numeric = typeof port === 'string' && /^\d+$/.test(port.trim()) ? Number(port) : port;
  if (typeof numeric !== 'number' || !Number.isInteger(numeric) || numeric < 0 || numeric > highestPort) {
    throw errSocketBadPort('Port', port);
  }
  return numeric;
}
