// What the chosen IPVS backend cannot carry, as located config diagnostics. Only for an explicit
// `--ipvs-backend nft`: keepalived's own config test knows nothing of backends, so with `auto`
// (or without the flag) `-t` keeps keepalived's verdicts, and the daemon reports at apply time.
import type { Diagnostic } from '../../parsers/diagnostics.js';
import type { KeepalivedConfig } from '../config/model.js';
import { nftSupports } from '../ipvs/nft-support.js';
import { ipvsSpecsFromModel } from './ipvs-from-config.js';

export function backendDiagnostics(cfg: KeepalivedConfig, backend: string | undefined): Diagnostic[] {
  if (backend !== 'nft') return [];
  const specs = ipvsSpecsFromModel(cfg);
  const out: Diagnostic[] = [];
  cfg.virtualServers.forEach((vs, i) => {
    const spec = specs[i]!;
    for (const why of nftSupports(spec)) {
      out.push({ severity: 'error', code: 'nft-unsupported', exitClass: 5, loc: vs.loc, message: `virtual_server ${spec.id}: ${why} (--ipvs-backend nft leaves it out of the table)` });
    }
  });
  return out;
}
