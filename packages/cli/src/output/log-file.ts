// --log-file: the app's output appended to a file. Writes are batched per event-loop turn and written
// synchronously, so nothing is lost when the primary ends with process.exit() (which drops pending async writes).
import { closeSync, openSync, writeSync } from 'node:fs';

export class LogFile {
  readonly #fd: number;
  #pending: (string | Buffer)[] = [];
  #scheduled = false;

  constructor(file: string) {
    this.#fd = openSync(file, 'a', 0o644);
    process.once('exit', () => {
      this.flush();
      closeSync(this.#fd);
    });
  }

  write(text: string | Buffer): void {
    this.#pending.push(text);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const chunks = this.#pending;
    this.#pending = [];
    writeSync(
      this.#fd,
      Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))),
    );
  }
}
