// dry-run: prints each change as the ipvsadm command that would make it, and remembers the result
// so the next pass prints only what changed since. Nothing touches the kernel.
import type { Writable } from 'node:stream';
import type { IpvsBackend } from './backend.js';
import type { ApplyResult, Change } from './changes.js';
import { applyToTable } from './diff.js';
import { ipvsadmLine } from './ipvsadm-format.js';
import { cloneTable, emptyTable, type IpvsTable } from './table.js';

export class DryRunBackend implements IpvsBackend {
  readonly name = 'dry-run' as const;
  private table: IpvsTable = emptyTable();

  constructor(private readonly out: Writable = process.stdout) {}

  async read(): Promise<IpvsTable> {
    return cloneTable(this.table);
  }

  async apply(changes: readonly Change[]): Promise<ApplyResult> {
    if (changes.length > 0) this.out.write(changes.map((c) => `ipvsadm ${ipvsadmLine(c)}\n`).join(''));
    applyToTable(this.table, changes);
    return { outcomes: changes.map((change) => ({ change, status: 'ok' })) };
  }
}
