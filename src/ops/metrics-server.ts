// The metrics API the daemon wires to --metrics-listen (one import for the daemon).
export { startMetricsServer, MetricsServerError, type MetricsServer, type MetricsServerOptions } from './metrics/metrics-server.js';
export { parseListenAddress, ListenAddressError, type ListenAddress } from './metrics/listen-address.js';
export { KatsMetrics } from './metrics/kats-metrics.js';
