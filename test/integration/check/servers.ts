// Real servers the check integration tests start on loopback: TCP, HTTP, HTTPS (self-signed
// certificate made with openssl), UDP echo, DNS (dns-packet over dgram) and SMTP. Each returns
// its port and a close() the test calls in `after`.

import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type tls from 'node:tls';
import dnsPacket from 'dns-packet';

export interface Started { port: number; close(): Promise<void> }

export async function tcpServer(host = '127.0.0.1', onConn?: (s: net.Socket) => void): Promise<Started & { server: net.Server }> {
  const server = net.createServer((s) => { onConn?.(s); s.on('error', () => {}); s.end(); });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port that nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const s = await tcpServer();
  await s.close();
  return s.port;
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export const routes: Record<string, Route> = {
  '/ok': (_q, r) => { r.writeHead(200, { 'content-type': 'text/plain' }); r.end('hello'); },
  '/unavailable': (_q, r) => { r.writeHead(503); r.end('down'); },
  '/moved': (_q, r) => { r.writeHead(301, { location: '/ok' }); r.end(); },
  '/host': (q, r) => { r.writeHead(q.headers.host === 'www.example.test' ? 200 : 404); r.end(String(q.headers.host)); },
  '/slow': () => { /* never answers: the checker must time out */ },
};

function handler(log: string[]): Route {
  return (req, res) => {
    log.push(`${req.method} ${req.url} from ${req.socket.remoteAddress}:${req.socket.remotePort}`);
    const route = routes[req.url ?? ''];
    if (route) route(req, res); else { res.writeHead(404); res.end('nope'); }
  };
}

export async function httpServer(): Promise<Started & { log: string[] }> {
  const log: string[] = [];
  const server = http.createServer(handler(log));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, log, close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); } };
}

/** Self-signed certificate for CN/SAN www.example.test, made with openssl. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kt-check-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=www.example.test',
      '-addext', 'subjectAltName=DNS:www.example.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function httpsServer(creds: { key: string; cert: string }): Promise<Started & { log: string[]; sni: Array<string | false> }> {
  const log: string[] = [];
  const sni: Array<string | false> = [];
  const server = https.createServer(creds, handler(log));
  server.on('secureConnection', (s: tls.TLSSocket) => sni.push((s as tls.TLSSocket & { servername?: string | false }).servername ?? false));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, log, sni, close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); } };
}

/** UDP server: `reply(msg)` decides the answer (undefined = stay silent). */
export async function udpServer(reply: (msg: Buffer) => Buffer | Buffer[] | undefined): Promise<Started> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const out = reply(msg);
    for (const b of out === undefined ? [] : Array.isArray(out) ? out : [out]) sock.send(b, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

/** DNS server: NOERROR with an SOA for ".", NXDOMAIN for anything else; `mode` can make it silent or answer with a wrong id first. */
export async function dnsServer(state: { mode: 'normal' | 'silent' | 'wrong-id-first' }): Promise<Started & { queries: Array<{ name: string; type: string; rd: boolean }> }> {
  const queries: Array<{ name: string; type: string; rd: boolean }> = [];
  const srv = await udpServer((msg) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return undefined;
    queries.push({ name: question.name, type: question.type, rd: ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) !== 0 });
    if (state.mode === 'silent') return undefined;
    const root = question.name === '' || question.name === '.';
    const answer = dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | (root ? 0 : 3), questions: [question],
      answers: root && question.type === 'SOA' ? [{ type: 'SOA', name: '.', ttl: 60, data: { mname: 'ns.test', rname: 'admin.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } }] : [],
    });
    if (state.mode !== 'wrong-id-first') return answer;
    // A stray response for another query (id+1, REFUSED) arrives first and must be ignored.
    const stray = Buffer.from(answer);
    stray.writeUInt16BE((q.id! + 1) & 0xffff, 0);
    stray[3] = (stray[3]! & 0xf0) | 5;
    return [stray, answer];
  });
  return { ...srv, queries };
}

/** SMTP server speaking the dialogue keepalived's checker expects; `banner` lets a test make it refuse. */
export async function smtpServer(opts: { banner?: string; heloReply?: string } = {}): Promise<Started & { helos: string[] }> {
  const helos: string[] = [];
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.write(`${opts.banner ?? '220 mx.test ESMTP ready'}\r\n`);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (/^HELO /i.test(line)) { helos.push(line.slice(5)); s.write(`${opts.heloReply ?? '250-mx.test hello\r\n250 OK'}\r\n`); }
        else if (/^QUIT/i.test(line)) { s.end('221 bye\r\n'); }
        else s.write('500 unknown\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, helos, close: () => new Promise<void>((r) => server.close(() => r())) };
}
