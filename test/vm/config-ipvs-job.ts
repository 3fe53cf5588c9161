// Runs INSIDE the IPVS test VM: keepalived.conf → ka-ts's model → IPVS specs → the controller with
// the auto backend (→ ipvsadm, real kernel IPVS), then what the kernel holds is read back with
// ipvsadm. Covers what only the config carries: uthreshold / lthreshold, tunnel options on
// lb_kind and lvs_method (inherited or the real server's own).
// Prints `IPVS-CONFIG-RESULT {json}`; exit 0 only if all passed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ipvsSpecsFromModel } from '../../src/daemon/ipvs-from-config.js';
import { IpvsController } from '../../src/ipvs/controller.js';
import type { IpvsLogger } from '../../src/ipvs/reconciler.js';

interface Check { name: string; ok: boolean; detail?: string }
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail?: unknown): void => {
  checks.push({ name, ok, ...(ok ? {} : { detail: typeof detail === 'string' ? detail : JSON.stringify(detail) }) });
};
const ipvsadm = (...args: string[]): string => execFileSync('ipvsadm', args, { encoding: 'utf8' });
const log: IpvsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const CONF = `
virtual_server 10.0.0.1 80 {
  lb_algo wlc
  lb_kind TUN type gue port 6080 csum
  protocol TCP
  real_server 10.0.1.1 80 {
    uthreshold 300
    lthreshold 50
  }
  real_server 10.0.1.2 80 {
    lvs_method TUN type gre
  }
  real_server 10.0.1.3 80 {
    lvs_method DR
  }
}
`;
// persistence_engine is not exercised here: the guest kernel has no ip_vs_pe_sip module (the
// kernel answers "Scheduler or persistence engine not found"); config → `--pe sip` is covered by
// test/unit/daemon/from-config.test.ts.

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kt-config-ipvs-'));
  try {
    writeFileSync(join(dir, 'keepalived.conf'), CONF);
    const r = await loadConfig(join(dir, 'keepalived.conf'), { skipHostChecks: true });
    check('the configuration loads clean', r.model !== undefined && r.exitCode === 0, r.diagnostics);
    if (!r.model) return;
    const ctl = await IpvsController.create({ backend: 'auto', log, driftIntervalMs: 0 });
    check('auto backend is ipvsadm', ctl.backendName === 'ipvsadm', ctl.backendReason);
    const pass = await ctl.start({ virtualServers: ipvsSpecsFromModel(r.model) });
    check('every change applied', pass.outcomes.length > 0 && pass.outcomes.every((o) => o.status === 'ok'), pass.outcomes);

    const rules = ipvsadm('-S', '-n');
    const thresholds = ipvsadm('-L', '-n', '--thresholds');
    const line = (re: RegExp): boolean => rules.split('\n').some((l) => re.test(l));
    check('gue tunnel, port and checksum inherited from lb_kind', line(/^-a -t 10\.0\.0\.1:80 -r 10\.0\.1\.1:80 -i .*--tun-type gue --tun-port 6080 --tun-csum/), rules);
    check('the real server\'s own gre tunnel', line(/^-a -t 10\.0\.0\.1:80 -r 10\.0\.1\.2:80 -i .*--tun-type gre/), rules);
    check('a real server\'s own DR method', line(/^-a -t 10\.0\.0\.1:80 -r 10\.0\.1\.3:80 -g /), rules);
    const row = thresholds.split('\n').find((l) => l.includes('10.0.1.1:80')) ?? '';
    check('uthreshold 300 / lthreshold 50 in the kernel', /\s300\s+50(\s|$)/.test(row), thresholds);

    await ctl.stop();
    check('stop clears ka-ts services', ipvsadm('-S', '-n').trim() === '', ipvsadm('-S', '-n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => check('job ran to the end', false, (e as Error).stack ?? String(e))).finally(() => {
  console.log(`IPVS-CONFIG-RESULT ${JSON.stringify(checks)}`);
  process.exitCode = checks.length > 0 && checks.every((c) => c.ok) ? 0 : 1;
});
