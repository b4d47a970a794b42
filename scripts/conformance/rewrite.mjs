// Points a source file's references to the cluster module (require, import, dynamic import) at another module.

const quote = `(['"\`])`;
const clusterName = '(?:node:)?cluster';
const patterns = {
  require: new RegExp(`\\brequire\\s*\\(\\s*${quote}${clusterName}\\1\\s*\\)`, 'g'),
  dynamicImport: new RegExp(`\\bimport\\s*\\(\\s*${quote}${clusterName}\\1\\s*\\)`, 'g'),
  // `import x from 'cluster'`, `export { y } from 'node:cluster'`
  from: new RegExp(`\\bfrom\\s*${quote}${clusterName}\\1`, 'g'),
  // `import 'cluster'`, for its side effects
  bareImport: new RegExp(`\\bimport\\s*${quote}${clusterName}\\1`, 'g'),
};

/**
 * `cjsPath` replaces the name in require() (an absolute path), `esmUrl` in ES imports (a file: URL).
 * Returns the new text and how many references were rewritten.
 */
export function rewriteClusterReferences(text, { cjsPath, esmUrl }) {
  // Inside a JS string literal delimited by the original quote: escape what a Windows path would break.
  const literal = (value, q) => value.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`);
  let count = 0;
  const count1 =
    (replacement) =>
    (...match) => {
      count++;
      return replacement(match[1]);
    };
  const out = text
    .replace(
      patterns.require,
      count1((q) => `require(${q}${literal(cjsPath, q)}${q})`),
    )
    .replace(
      patterns.dynamicImport,
      count1((q) => `import(${q}${literal(esmUrl, q)}${q})`),
    )
    .replace(
      patterns.from,
      count1((q) => `from ${q}${literal(esmUrl, q)}${q}`),
    )
    .replace(
      patterns.bareImport,
      count1((q) => `import ${q}${literal(esmUrl, q)}${q}`),
    );
  return { text: out, count };
}
