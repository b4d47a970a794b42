// Gives each forked worker its own inspector port when the primary or the worker runs with an inspector.
import { errSocketBadPort } from './errors.js';

const inspectorFlag = /--inspect(?:-brk|-port|-wait)?|--debug-port/;
const highestPort = 65535;

let usingInspector: boolean | undefined;
let portOffset = 1;

/** Whether these `execArgv` (or NODE_OPTIONS) turn the inspector on; decided once, as Node does. */
export function isUsingInspector(execArgv: readonly string[]): boolean {
  usingInspector ??=
    execArgv.some((arg) => inspectorFlag.test(arg)) || inspectorFlag.test(process.env.NODE_OPTIONS ?? '');
  return usingInspector;
}

/** The port for the next worker: the user's number or function, else the primary's port plus a growing offset. */
export function nextInspectPort(inspectPort: number | (() => number) | undefined): number {
  let port: unknown = inspectPort;
  if (typeof inspectPort === 'function') {
    port = inspectPort();
  } else if (inspectPort === undefined) {
    let candidate = process.debugPort + portOffset;
    if (candidate > highestPort) candidate = candidate - highestPort + 1024;
    portOffset++;
    port = candidate;
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > highestPort) {
    throw errSocketBadPort('Port', port);
  }
  return port;
}
