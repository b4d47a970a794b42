// Which tests of a Node test folder are cluster-related (the selection rule, in one place), and name filters.
import fs from 'node:fs';
import path from 'node:path';

export const selectionRule =
  "test-cluster-* in parallel/ and sequential/, and every other test there whose source names the module as a string ('cluster' or 'node:cluster')";

const testFile = /^test-.*\.(c|m)?js$/;
const namesCluster = /(['"`])(?:node:)?cluster\1/;

/**
 * A Node checkout's test/ folder or a harvested folder: both hold common/ and parallel/. The checkout's root
 * is accepted too, for convenience.
 */
export function resolveTestDir(dir) {
  const holdsTests = (d) => fs.existsSync(path.join(d, 'common')) && fs.existsSync(path.join(d, 'parallel'));
  if (holdsTests(dir)) return dir;
  if (holdsTests(path.join(dir, 'test'))) return path.join(dir, 'test');
  return undefined;
}

/** Every selected test, as { dir: 'parallel' | 'sequential', file }, sorted by file name. */
export function selectTests(testDir) {
  const selected = [];
  for (const dir of ['parallel', 'sequential']) {
    const full = path.join(testDir, dir);
    if (!fs.existsSync(full)) continue;
    for (const file of fs.readdirSync(full)) {
      if (!testFile.test(file)) continue;
      if (
        file.startsWith('test-cluster-') ||
        namesCluster.test(fs.readFileSync(path.join(full, file), 'utf8'))
      ) {
        selected.push({ dir, file });
      }
    }
  }
  return selected.sort((a, b) => a.file.localeCompare(b.file) || a.dir.localeCompare(b.dir));
}

/** A filter matches a file name by substring, or as a whole-name glob when it holds `*`. */
export function matchesFilters(file, filters) {
  if (filters.length === 0) return true;
  return filters.some((filter) => {
    if (!filter.includes('*')) return file.includes(filter);
    const source = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${source.join('.*')}$`).test(file);
  });
}
