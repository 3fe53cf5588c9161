// Runs inside a test's network namespace (`ip netns exec NS node conftest-runner.js ID FILE...`):
// keepalived's config test through ka-ts's loader for each FILE, so the interface checks see the
// namespace's /sys/class/net. Prints one JSON summary per file, one per line.
import { loadConfig } from '../../../src/config/load.js';

const [configId, ...files] = process.argv.slice(2);
if (!configId || files.length === 0) {
  process.stderr.write('usage: conftest-runner CONFIG_ID FILE...\n');
  process.exit(64);
}
for (const file of files) {
  const r = await loadConfig(file, { configId });
  const summary = {
    file,
    exitCode: r.exitCode,
    diagnostics: r.diagnostics,
    instances: r.model?.vrrpInstances.map((v) => ({ name: v.name, line: v.loc.line, vrid: v.virtualRouterId, vips: v.virtualIpaddresses.length })) ?? [],
    virtualServers: r.model?.virtualServers.map((vs) => ({ key: vs.key, line: vs.loc.line, realServers: vs.realServers.map((rs) => ({ address: rs.address, port: rs.port, line: rs.loc.line, checkers: rs.checkers.map((c) => c.type) })) })) ?? [],
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
