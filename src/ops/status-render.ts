// The renderers `ka-ts ctl status|stats [--json]` print with (one import for the CLI).
export { renderStatus, renderStatusJson } from './status/render-status.js';
export { renderStats, renderStatsJson, statsJson, type StatsJson } from './status/render-stats.js';
