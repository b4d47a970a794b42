// Real HTTP requests on loopback for tests, with a fresh connection each time unless told otherwise.
import http from 'node:http';

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function get(
  port: number,
  path = '/',
  options: { keepAlive?: boolean; host?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        agent: false,
        headers: options.keepAlive ? {} : { connection: 'close' },
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
  });
}
