// --watch: calls back (debounced) when a file under the app's directory changes, ignoring node_modules and
// dotfiles (.git, editors' swap files) and the files given (the log file, say).
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export interface Watcher {
  close(): void;
}

export function isIgnored(relative: string): boolean {
  return relative.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.'));
}

export function watchTree(
  dir: string,
  onChange: (files: string[]) => void,
  options: { debounceMs?: number; ignore?: readonly string[] } = {},
): Watcher {
  const debounceMs = options.debounceMs ?? 200;
  const ignore = new Set((options.ignore ?? []).map((file) => path.resolve(file)));
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const onEvent = (_event: string, filename: string | Buffer | null): void => {
    if (filename === null) return;
    const relative = filename.toString();
    if (isIgnored(relative) || ignore.has(path.join(dir, relative))) return;
    changed.add(relative);
    // An editor's save or a checkout is many events: one reload after they stop.
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      onChange(files);
    }, debounceMs);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, onEvent);
  } catch (error) {
    // Recursive watching is missing on some platforms and versions: the top directory still counts.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') throw error;
    watcher = watch(dir, { persistent: false }, onEvent);
  }
  watcher.on('error', () => {});
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
