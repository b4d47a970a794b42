// Cuts a byte stream into lines for prefixing; a partial last line waits for its end (or the stream's).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  /** The complete lines in `chunk` (with what was left over before), without their newlines. */
  push(chunk: Buffer | string): string[] {
    const text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    return lines;
  }

  /** What is left when the stream ends (a last line without a newline), if anything. */
  end(): string | undefined {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest === '' ? undefined : rest;
  }
}
