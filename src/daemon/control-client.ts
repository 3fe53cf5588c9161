// Client side of the control socket, used by `ka-ts ctl` and by `ka-ts drill` (demote).
import { connect } from 'node:net';
import type { ControlReply, ControlRequest } from './control-protocol.js';

export class ControlClientError extends Error {
  override readonly name = 'ControlClientError';
}

export async function controlRequest(path: string, req: ControlRequest, timeoutMs = 10_000): Promise<unknown> {
  return await new Promise<unknown>((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ControlClientError(`no reply from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? ' (is the daemon running? use --control-socket PATH)' : '';
      reject(new ControlClientError(`cannot talk to ${path}: ${err.message}${hint}`));
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      let reply: ControlReply;
      try {
        reply = JSON.parse(buf.slice(0, nl)) as ControlReply;
      } catch {
        reject(new ControlClientError(`malformed reply from ${path}`));
        return;
      }
      if (reply.ok) resolve(reply.result);
      else reject(new ControlClientError(reply.error));
    });
  });
}
