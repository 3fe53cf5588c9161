// The drill's client: one HTTP GET to URL every INTERVAL ms, each with a short timeout, printing
// `ok|fail SENT_MS DONE_MS` (wall clock, to line up with tcpdump's time stamps).
// Usage: node client-probe-main.js URL INTERVAL_MS TIMEOUT_MS
import { get } from 'node:http';

const [url = '', every = '20', timeout = '150'] = process.argv.slice(2);
const out = (s: string): void => { process.stdout.write(s + '\n'); };
setInterval(() => {
  const sent = Date.now();
  let settled = false;
  const finish = (ok: boolean): void => { if (!settled) { settled = true; out(`${ok ? 'ok' : 'fail'} ${sent} ${Date.now()}`); } };
  const req = get(url, { agent: false, timeout: Number(timeout) }, (res) => {
    res.resume();
    res.on('end', () => finish(res.statusCode === 200));
    res.on('error', () => finish(false));
  });
  req.on('timeout', () => { req.destroy(); finish(false); });
  req.on('error', () => finish(false));
}, Number(every));
process.on('SIGTERM', () => process.exit(0));
