// The unmodified app both `shoal run` and `pm2 start -i N` run: a plain HTTP server on PORT, no cluster code, no
// supervisor API. Its one extra is an `x-pid` header, so the runner can tell when every worker answers.
const http = require('node:http');

const pid = String(process.pid);
http
  .createServer((_req, res) => {
    res.setHeader('x-pid', pid);
    res.end('hello world\n');
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
