// A lab real server: answers HTTP on each given port of one address (TCP checks connect to it too),
// naming itself in the body so a client can see which real server served it.
// Usage: node real-server.js ADDRESS PORT [PORT...]
import { createServer } from 'node:http';

const [address, ...ports] = process.argv.slice(2);
if (!address || ports.length === 0) {
  process.stderr.write('usage: real-server.js ADDRESS PORT [PORT...]\n');
  process.exit(2);
}
for (const p of ports) {
  const port = Number(p);
  createServer((req, res) => {
    res.setHeader('connection', 'close');
    res.end(`${address}:${port} ${req.url ?? '/'}\n`);
  }).listen(port, address, () => process.stdout.write(`real server ${address}:${port} listening\n`));
}
process.on('SIGTERM', () => process.exit(0));
