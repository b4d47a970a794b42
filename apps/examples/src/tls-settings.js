// Shared by the TLS examples (not an example itself): the certificate and key they read from the PEM files
// named by TLS_CERT and TLS_KEY. A missing setting stops the program with exit code 2, unless TLS is optional
// and neither is set.
import { readFileSync } from 'node:fs';
import process from 'node:process';

/** `{ cert, key }`; with `optional`, undefined when neither TLS_CERT nor TLS_KEY is set. */
export function tlsSettings({ optional = false } = {}) {
  const { TLS_CERT: certFile, TLS_KEY: keyFile } = process.env;
  if (optional && !certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    console.error('TLS_CERT and TLS_KEY must name a PEM certificate and its private key');
    process.exit(2);
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
