// HTTP_GET and SSL_GET (check_http.c / check_ssl.c) with got: every url is fetched in turn and
// must answer with an accepted status code and, when a digest is configured, a body whose MD5
// (hex, as keepalived's genhash prints it) matches. Host header and SNI come from virtualhost.
// Each request uses a fresh connection (no keep-alive) so a dead server cannot hide behind a
// pooled socket. keepalived does not verify server certificates unless told to: verify=false.

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import got, { type OptionsInit, type Response } from 'got';
import type { HttpCheckSpec, HttpUrlSpec } from '../spec.js';
import { elapsedSince, errorReason, failResult, okResult, type ProbeResult } from '../result.js';
import { formatStatusRanges, statusAccepted } from './status-codes.js';
import { bodyMatches } from '../body-regex.js';

const httpAgent = new http.Agent({ keepAlive: false });
const httpsAgent = new https.Agent({ keepAlive: false });

/** What every check request shares, merged once rather than per request. */
const client = got.extend({
  method: 'GET',
  retry: { limit: 0 },
  followRedirect: false,
  throwHttpErrors: false,
  responseType: 'buffer',
  decompress: false,
  agent: { http: httpAgent, https: httpsAgent },
});

const hostPart = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export const md5Hex = (body: Buffer): string => createHash('md5').update(body).digest('hex');

async function fetchOne(spec: HttpCheckSpec, url: HttpUrlSpec): Promise<string | undefined> {
  const c = spec.connect;
  const secure = spec.type === 'SSL_GET';
  const target = `${secure ? 'https' : 'http'}://${hostPart(c.host)}:${c.port}${url.path.startsWith('/') ? url.path : `/${url.path}`}`;
  const vhost = url.virtualhost ?? spec.virtualhost;
  const headers: Record<string, string> = { 'user-agent': 'KeepAliveClient', connection: 'close' };
  if (vhost) headers.host = vhost;
  const t = c.timeoutMs;
  // connect_timeout bounds the connect, the TLS handshake and every wait for the server after
  // it (socket idle), as keepalived applies it to each step; no overall cap, as keepalived has none.
  const options: OptionsInit = { headers, timeout: secure ? { connect: t, secureConnect: t, socket: t } : { connect: t, socket: t } };
  if (c.bindTo) options.localAddress = c.bindTo;
  if (c.bindPort) {
    const localPort = c.bindPort;
    // got has no localPort option; Node's request has, so pass it through our own request function.
    options.request = (u, o, cb) => (secure ? https : http).request(u, { ...o, localPort }, cb as (res: http.IncomingMessage) => void);
  }
  if (secure) {
    options.https = { rejectUnauthorized: spec.verify === true };
    if (spec.ca) options.https.certificateAuthority = spec.ca;
    if (spec.enableSni && vhost) options.https.serverName = vhost;
    if (spec.verify && vhost) options.https.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(vhost, cert);
  }
  const res = (await client(target, options)) as Response<Buffer>;
  if (!statusAccepted(res.statusCode, url.statusCodes)) {
    return `${url.path}: status ${res.statusCode} not in ${formatStatusRanges(url.statusCodes)}`;
  }
  if (url.digest) {
    const got_ = md5Hex(res.rawBody);
    if (got_ !== url.digest.toLowerCase()) return `${url.path}: digest ${got_} != ${url.digest.toLowerCase()}`;
  }
  // Last, as keepalived's http_handle_response: status, digest, then the regex.
  if (url.regex && bodyMatches(url.regex, res.rawBody) === url.regex.noMatch) {
    return `${url.path}: body ${url.regex.noMatch ? 'matches' : 'does not match'} regex ${JSON.stringify(url.regex.source)}`;
  }
  return undefined;
}

export async function probeHttp(spec: HttpCheckSpec): Promise<ProbeResult> {
  const start = performance.now();
  try {
    for (const url of spec.urls) {
      const bad = await fetchOne(spec, url);
      if (bad) return failResult(elapsedSince(start), bad);
    }
    if (!spec.urls.length) return failResult(elapsedSince(start), 'no url configured');
    return okResult(elapsedSince(start), 'all urls passed');
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const reason = e.code === 'ETIMEDOUT' ? `timeout (${e.message ?? ''})` : errorReason(err);
    return failResult(elapsedSince(start), reason);
  }
}
