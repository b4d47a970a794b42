// The live status view on a terminal: the table redrawn in place about once a second and on every event, with
// the latest events under it. The app's output goes above it: the view steps aside for each write.
import type { WriteStream } from 'node:tty';

export class LiveView {
  readonly #stream: WriteStream;
  readonly #render: () => string;
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(stream: WriteStream, render: () => string) {
    this.#stream = stream;
    this.#render = render;
  }

  start(intervalMs = 1000): void {
    this.refresh();
    this.#timer = setInterval(() => this.refresh(), intervalMs);
    this.#timer.unref();
  }

  refresh(): void {
    if (this.#stopped) return;
    this.#erase();
    this.#draw();
  }

  /** Runs a write to the terminal with the view out of the way, then draws it again below. */
  around(write: () => void): void {
    if (this.#stopped) {
      write();
      return;
    }
    this.#erase();
    write();
    this.#draw();
  }

  /** Leaves the last drawing on screen and stops redrawing. */
  stop(): void {
    if (this.#stopped) return;
    this.refresh();
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  #erase(): void {
    // Up to the view's first line, then clear to the end of the screen.
    if (this.#drawn > 0) this.#stream.write(`\x1b[${this.#drawn}A\r\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    const width = this.#stream.columns || 120;
    // Lines cut to the width, so none wraps and the count of lines to erase stays right.
    const lines = this.#render()
      .split('\n')
      .map((line) => line.slice(0, width - 1));
    this.#stream.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}
