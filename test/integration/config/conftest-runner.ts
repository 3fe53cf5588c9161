// Runs inside a test's network namespace (`ip netns exec NS node conftest-runner.js FILE ID`):
// keepalived's config test through ka-ts's loader, so the interface checks see the namespace's
// /sys/class/net. Prints a JSON summary on stdout and exits with the config-test exit code.
import { loadConfig } from '../../../src/config/load.js';

const [file, configId] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: conftest-runner FILE [CONFIG_ID]\n');
  process.exit(64);
}
const r = await loadConfig(file, configId ? { configId } : {});
const summary = {
  exitCode: r.exitCode,
  diagnostics: r.diagnostics,
  instances: r.model?.vrrpInstances.map((v) => ({ name: v.name, line: v.loc.line, vrid: v.virtualRouterId, vips: v.virtualIpaddresses.length })) ?? [],
  virtualServers: r.model?.virtualServers.map((vs) => ({ key: vs.key, line: vs.loc.line, realServers: vs.realServers.map((rs) => ({ address: rs.address, port: rs.port, line: rs.loc.line, checkers: rs.checkers.map((c) => c.type) })) })) ?? [],
};
process.stdout.write(JSON.stringify(summary));
process.exitCode = r.exitCode;
