// The daemon's control socket: a Unix stream socket, mode 0600 (root only: it can demote a
// master), one JSON request per line. A malformed request gets an error reply and is counted;
// it never affects the daemon.
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ControlRequestError, parseControlRequest, type ControlReply, type ControlRequest } from './control-protocol.js';

export type ControlHandler = (req: ControlRequest) => Promise<unknown>;

const MAX_LINE = 64 * 1024;

export class ControlServer {
  private server: Server | undefined;
  /** Open client connections: closed on stop, so an idle `socat` cannot hold up a shutdown. */
  private readonly clients = new Set<Socket>();
  readonly counters = { requests: 0, badRequests: 0, failedRequests: 0 };

  constructor(private readonly path: string, private readonly handle: ControlHandler) {}

  async listen(): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o755 });
    try {
      unlinkSync(this.path); // a socket file left by a crashed daemon; the pid file guards against a live one
    } catch {
      // none
    }
    const server = createServer((sock) => this.serve(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  private serve(sock: Socket): void {
    this.clients.add(sock);
    sock.on('close', () => this.clients.delete(sock));
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE) {
        this.counters.badRequests++;
        this.reply(sock, { ok: false, error: `request longer than ${MAX_LINE} bytes` });
        sock.end();
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line !== '') void this.dispatch(sock, line);
      }
    });
  }

  private async dispatch(sock: Socket, line: string): Promise<void> {
    this.counters.requests++;
    let req: ControlRequest;
    try {
      req = parseControlRequest(line);
    } catch (err) {
      this.counters.badRequests++;
      this.reply(sock, { ok: false, error: (err as ControlRequestError).message });
      return;
    }
    try {
      this.reply(sock, { ok: true, result: await this.handle(req) });
    } catch (err) {
      this.counters.failedRequests++;
      this.reply(sock, { ok: false, error: (err as Error).message });
    }
  }

  private reply(sock: Socket, reply: ControlReply): void {
    if (!sock.destroyed) sock.write(JSON.stringify(reply) + '\n');
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of this.clients) c.destroy();
    await closed;
    try {
      unlinkSync(this.path);
    } catch {
      // already removed
    }
  }
}
