import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonSnapshot } from '../snapshot.js';
import { KatsMetrics } from './kats-metrics.js';
import type { ListenAddress } from './listen-address.js';

export interface MetricsServerOptions extends ListenAddress {
  /** Fetches the current status (from the children over RPC, in the daemon); called on each scrape. */
  readonly snapshot: () => DaemonSnapshot | Promise<DaemonSnapshot>;
  readonly metrics?: KatsMetrics;
  /** Reports a failed snapshot fetch (the scrape still answers, with keepalived_up 0). */
  readonly onError?: (err: unknown) => void;
}

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  readonly metrics: KatsMetrics;
  close(): Promise<void>;
}

export class MetricsServerError extends Error {
  constructor(readonly listen: ListenAddress, override readonly cause: unknown) {
    super(`cannot serve metrics on ${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MetricsServerError';
  }
}

/**
 * Serves GET /metrics on `host:port` (use parseListenAddress for `--metrics-listen`) (Prometheus text format) built from a fresh snapshot on every scrape.
 * Scrapes are serialised: the metrics object is rebuilt per scrape, and two interleaved rebuilds
 * would mix series from two snapshots.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const metrics = opts.metrics ?? new KatsMetrics();
  let chain: Promise<unknown> = Promise.resolve();
  const render = async (): Promise<string> => {
    try {
      metrics.update(await opts.snapshot());
    } catch (err) {
      metrics.markDown();
      opts.onError?.(err);
    }
    return metrics.registry.metrics();
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      const job = chain.then(render);
      chain = job.catch(() => undefined);
      job.then(
        (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : body),
        (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics error: ${String(err)}\n`),
      );
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ka-ts metrics: GET /metrics\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MetricsServerError({ host: opts.host, port: opts.port }, err)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    host: addr.address,
    port: addr.port,
    metrics,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
