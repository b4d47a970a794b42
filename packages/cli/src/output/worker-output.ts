// The app's own output: each worker's stdout and stderr to ours, line by line with `[index] ` in front (or
// untouched with --raw), and the same text appended to the log file when there is one.
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import type { LogFile } from './log-file.js';

export interface WorkerOutputOptions {
  raw: boolean;
  stdout: Writable;
  stderr: Writable;
  log: LogFile | undefined;
  /** Wraps every write to our terminal, so a live view can step out of the way and redraw after. */
  around?: (write: () => void) => void;
}

export class WorkerOutput {
  readonly #options: WorkerOutputOptions;

  constructor(options: WorkerOutputOptions) {
    this.#options = options;
  }

  /** Passes on a worker's output (forked with `silent: true`, so both are pipes) until its streams end. */
  attach(index: number, child: ChildProcess): void {
    if (child.stdout) this.#pipe(index, child.stdout, this.#options.stdout);
    if (child.stderr) this.#pipe(index, child.stderr, this.#options.stderr);
  }

  #pipe(index: number, source: NodeJS.ReadableStream, target: Writable): void {
    const { raw, log } = this.#options;
    const write = (text: string | Buffer): void => {
      const around = this.#options.around;
      if (around) around(() => target.write(text));
      else target.write(text);
      log?.write(text);
    };
    if (raw) {
      source.on('data', (chunk: Buffer) => write(chunk));
      return;
    }
    const prefix = `[${index}] `;
    const lines = new LineSplitter();
    source.on('data', (chunk: Buffer) => {
      const complete = lines.push(chunk);
      if (complete.length > 0) write(complete.map((line) => `${prefix}${line}\n`).join(''));
    });
    source.on('end', () => {
      const rest = lines.end();
      if (rest !== undefined) write(`${prefix}${rest}\n`);
    });
  }
}
