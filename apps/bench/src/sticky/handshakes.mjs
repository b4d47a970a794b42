// Opens Engine.IO sessions on a Socket.IO server the way a polling client's first request does (a handshake GET
// on a new connection), and returns their ids: the sticky keys the churn load then carries.
import http from 'node:http';

function handshake(port) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=polling', agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => {
          // An Engine.IO v4 open packet: `0` and a JSON object with the session id.
          const sid = body.startsWith('0') ? JSON.parse(body.slice(1)).sid : undefined;
          if (response.statusCode !== 200 || typeof sid !== 'string')
            reject(new Error(`handshake answered ${response.statusCode}: ${body.slice(0, 200)}`));
          else resolve(sid);
        });
      },
    );
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error('handshake timed out')));
  });
}

/** `count` new sessions, one handshake after another (so a balancer that counts sessions sees each). */
export async function openSessions(port, count) {
  const sids = [];
  for (let i = 0; i < count; i++) sids.push(await handshake(port));
  return sids;
}
