// The one small interface every IPVS backend implements (ipvsadm, nft, dry-run).
import type { ApplyResult, Change } from './changes.js';
import type { IpvsTable } from './table.js';

export type BackendName = 'ipvsadm' | 'nft' | 'dry-run';
export type BackendChoice = BackendName | 'auto';

export interface IpvsBackend {
  readonly name: BackendName;
  /**
   * The table as it is now. Throws (IpvsCommandError / IpvsParseError) when it cannot be read;
   * the reconciler counts that and tries again on the next pass. Callers treat the result as a
   * value and never modify it (the nft backend keeps it as its model of the table).
   */
  read(): Promise<IpvsTable>;
  /**
   * Applies changes in order. Never throws for a failed change: each gets an outcome, so one bad
   * entry does not block the others.
   */
  apply(changes: readonly Change[]): Promise<ApplyResult>;
}
