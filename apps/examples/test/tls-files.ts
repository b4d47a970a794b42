// Shared by the TLS example tests: a fresh self-signed certificate for 127.0.0.1 (made with `selfsigned`),
// written with its key to a temporary directory, as the examples read them (paths in TLS_CERT and TLS_KEY).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { tempDir } from './shoal-run.js';

export interface TlsFiles {
  /** TLS_CERT and TLS_KEY for the example. */
  env: { TLS_CERT: string; TLS_KEY: string };
  /** The certificate (PEM), for clients to trust as their CA. */
  cert: string;
}

export async function makeCertificate(): Promise<TlsFiles> {
  const made = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const dir = tempDir();
  const env = { TLS_CERT: path.join(dir, 'cert.pem'), TLS_KEY: path.join(dir, 'key.pem') };
  writeFileSync(env.TLS_CERT, made.cert);
  writeFileSync(env.TLS_KEY, made.private, { mode: 0o600 });
  return { env, cert: made.cert };
}
