// Child of keepalived-differential.test.ts, run inside a network namespace that holds the real
// servers' addresses: serves HTTP on 192.0.2.1:80, loads the SAME keepalived.conf keepalived gets (through
// the config loader and checkerSpecsFromConfig), runs the CheckerService, stops serving after
// 5 s, stops at 11 s and prints its transitions as one JSON line.
import http from 'node:http';
import { loadConfig } from '../../../src/config/load.js';
import { checkerSpecsFromConfig } from '../../../src/check/from-config.js';
import { CheckerService } from '../../../src/check/service.js';
import type { HealthEvent } from '../../../src/check/events.js';

const conf = process.argv[2]!;
// Answers like the VM's busybox httpd serving /tmp/www: "ok\n" for /index.html, 404 otherwise.
const server = http.createServer((q, r) => {
  if (q.url === '/index.html') { r.writeHead(200, { 'content-type': 'text/html' }); r.end('ok\n'); } else { r.writeHead(404); r.end('not found\n'); }
});
await new Promise<void>((r) => server.listen(80, '192.0.2.1', r));
const loaded = await loadConfig(conf, { skipHostChecks: true });
if (!loaded.model) throw new Error(`config not loaded: ${JSON.stringify(loaded.diagnostics)}`);
const { specs, diagnostics } = checkerSpecsFromConfig(loaded.model);
const steps: string[] = [];
const svc = new CheckerService(specs);
svc.on('event', (e: HealthEvent) => {
  if (e.kind === 'notify' || e.kind === 'rs-removed') return;
  const vs = e.vs.split(' ')[0]; // "10.0.0.1 80 TCP" → "10.0.0.1", as keepalived's log names it here
  if (e.kind === 'rs-weight') steps.push(`${vs} rs-weight ${e.rs} ${e.weight}`);
  else steps.push(e.kind === 'rs-up' || e.kind === 'rs-down' ? `${vs} ${e.kind} ${e.rs}` : `${vs} ${e.kind}`);
});
svc.start();
// keepalived does not log the start-up adds of non-alpha servers: drop ours too.
steps.splice(0, steps.length, ...steps.filter((s) => !/ rs-up /.test(s)));
await new Promise((r) => setTimeout(r, 5000));
server.closeAllConnections();
await new Promise<void>((r) => server.close(() => r()));
await new Promise((r) => setTimeout(r, 6000));
svc.stop();
console.log(`KATS ${JSON.stringify({ steps, diagnostics: diagnostics.map((d) => d.message) })}`);
