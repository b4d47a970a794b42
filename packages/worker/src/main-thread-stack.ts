// Takes the main thread's JavaScript stack from another thread of the same process: an inspector session
// connected to the main thread evaluates a capture there. The inspector reaches the main thread through a V8
// interrupt, which even a `for (;;);` answers, so the frames below the capture are the ones it was stuck in.
import { Session } from 'node:inspector';

/** Frames beyond this many are left off: deep recursion must not make the answer huge. */
const maxFrames = 64;

/** The capture's own frames carry this script name, so they can be told from the app's. */
const captureUrl = 'shoal:stack-capture';

/**
 * Run on the main thread. Callsites rather than the formatted `stack`, so an app's `Error.prepareStackTrace` is
 * bypassed (and put back at once): `[functionName, url, line, column]` per frame.
 */
const captureExpression = `(() => {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = ${maxFrames + 2};
    Error.prepareStackTrace = (_, sites) =>
      sites.map((site) => [site.getFunctionName(), site.getScriptNameOrSourceURL(), site.getLineNumber(), site.getColumnNumber()]);
    return new Error().stack;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
})()
//# sourceURL=${captureUrl}`;

type Frame = [name: string | null, url: string | null, line: number | null, column: number | null];

/**
 * Resolves with the frames, innermost first, as `name (url:line:column)`. Rejects on `signal` (the caller gave
 * up) or when the session or the capture fails. Nothing stays behind on the main thread: no pause, no debugger.
 */
export function captureMainThreadStack(signal: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('the stack was not taken in time'));
    const session = new Session();
    const finish = (error: Error | undefined, stack?: string[]): void => {
      signal.removeEventListener('abort', onAbort);
      try {
        session.disconnect();
      } catch {}
      if (error) reject(error);
      else resolve(stack ?? []);
    };
    const onAbort = (): void => finish(new Error('the stack was not taken in time'));
    signal.addEventListener('abort', onAbort);
    try {
      session.connectToMainThread();
      session.post(
        'Runtime.evaluate',
        { expression: captureExpression, returnByValue: true, silent: true },
        (error, answer) => {
          if (signal.aborted) return;
          if (error) return finish(error);
          const frames = answer.result.value as unknown;
          if (answer.exceptionDetails || !Array.isArray(frames))
            return finish(new Error('the capture found no stack (is Error frozen?)'));
          finish(undefined, formatFrames(frames as Frame[]));
        },
      );
    } catch (error) {
      finish(error as Error);
    }
  });
}

function formatFrames(frames: Frame[]): string[] {
  let first = 0;
  while (first < frames.length && frames[first]?.[1] === captureUrl) first++;
  return frames
    .slice(first, first + maxFrames)
    .map(([name, url, line, column]) => `${name || '<anonymous>'} (${where(url, line, column)})`);
}

/** As V8 writes a frame's place: `url:line:column`, or `native` for a built-in such as `Atomics.wait`. */
function where(url: string | null, line: number | null, column: number | null): string {
  if (!url) return 'native';
  return line === null ? url : `${url}:${line}:${column}`;
}
