// Kernel IPVS through the ipvsadm tool: every batch is one `ipvsadm -R` (stdin), the table is
// read back with `ipvsadm -S -n` (+ `-L -n --thresholds`, `--timeout`, `--daemon`).
import type { IpvsBackend } from './backend.js';
import type { ApplyResult, Change } from './changes.js';
import { processRunner, runChecked, type CommandRunner } from './command-runner.js';
import { ipvsadmRestoreInput } from './ipvsadm-format.js';
import { mergeIpvsadmThresholds, parseIpvsadmDaemons, parseIpvsadmSave, parseIpvsadmTimeouts } from './ipvsadm-parse.js';
import type { IpvsTable } from './table.js';
import { judgeChanges } from './verify.js';

export interface IpvsadmBackendOptions {
  run?: CommandRunner;
  /** Program name or path (default "ipvsadm"). */
  program?: string;
}

export class IpvsadmBackend implements IpvsBackend {
  readonly name = 'ipvsadm' as const;
  private readonly run: CommandRunner;
  private readonly program: string;

  constructor(opts: IpvsadmBackendOptions = {}) {
    this.run = opts.run ?? processRunner();
    this.program = opts.program ?? 'ipvsadm';
  }

  async read(): Promise<IpvsTable> {
    const save = await runChecked(this.run, this.program, ['-S', '-n']);
    const table = parseIpvsadmSave(save);
    // -S leaves out the -x/-y thresholds; the --thresholds listing has them.
    mergeIpvsadmThresholds(table, await runChecked(this.run, this.program, ['-L', '-n', '--thresholds']));
    table.timeouts = parseIpvsadmTimeouts(await runChecked(this.run, this.program, ['-L', '--timeout']));
    table.syncDaemons = parseIpvsadmDaemons(await runChecked(this.run, this.program, ['-L', '--daemon']));
    return table;
  }

  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    if (changes.length === 0) return { outcomes: [] };
    let stderr = '';
    try {
      const r = await this.run(this.program, ['-R'], ipvsadmRestoreInput(changes));
      stderr = r.stderr;
    } catch (e) {
      return { outcomes: changes.map((change) => ({ change, status: 'failed', error: (e as Error).message })) };
    }
    let after: IpvsTable;
    try {
      after = await this.read();
    } catch (e) {
      return { outcomes: changes.map((change) => ({ change, status: 'failed', error: `applied but could not read back: ${(e as Error).message}` })) };
    }
    return { outcomes: judgeChanges(changes, after, stderr) };
  }
}
