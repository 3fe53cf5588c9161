// Model → keepalived.conf. The keyword tables that parse each block also render it, so a model
// rendered and parsed again is the same model (locations aside).
import type { KeepalivedConfig } from '../src/config/model.js';
import { renderAddress } from './addresses.js';
import { renderTable, type RenderLine } from './keyword-table.js';
import { GLOBAL_DEFS_TABLE } from './tables/global-defs.js';
import { renderVirtualServer, renderVsGroup } from './tables/lvs.js';
import { TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from './tables/tracking.js';
import { SYNC_GROUP_TABLE, VRRP_INSTANCE_TABLE } from './tables/vrrp-instance.js';

export function modelToLines(cfg: KeepalivedConfig): RenderLine[] {
  const out: RenderLine[] = [];
  const g = renderTable(GLOBAL_DEFS_TABLE, cfg.globalDefs);
  if (g.length) out.push({ words: ['global_defs'], children: g });
  if (cfg.staticIpaddress.length) out.push({ words: ['static_ipaddress'], children: cfg.staticIpaddress.map((a) => ({ words: renderAddress(a) })) });
  if (cfg.staticRoutes.length) out.push({ words: ['static_routes'], children: cfg.staticRoutes.map((r) => ({ words: r.words })) });
  if (cfg.staticRules.length) out.push({ words: ['static_rules'], children: cfg.staticRules.map((r) => ({ words: r.words })) });
  for (const s of cfg.vrrpScripts) out.push({ words: ['vrrp_script', s.name], children: renderTable(VRRP_SCRIPT_TABLE, s) });
  for (const f of cfg.vrrpTrackFiles) out.push({ words: ['vrrp_track_file', f.name], children: renderTable(TRACK_FILE_TABLE, f) });
  for (const p of cfg.vrrpTrackProcesses) out.push({ words: ['vrrp_track_process', p.name], children: renderTable(TRACK_PROCESS_TABLE, p) });
  for (const v of cfg.vrrpInstances) out.push({ words: ['vrrp_instance', v.name], children: renderTable(VRRP_INSTANCE_TABLE, v) });
  for (const sg of cfg.vrrpSyncGroups) out.push({ words: ['vrrp_sync_group', sg.name], children: renderTable(SYNC_GROUP_TABLE, sg) });
  for (const vg of cfg.virtualServerGroups) out.push(renderVsGroup(vg));
  for (const vs of cfg.virtualServers) out.push(renderVirtualServer(vs));
  return out;
}

/** Quotes a word when the lexer would otherwise split, drop or reinterpret it. */
export function quoteWord(w: string): string {
  if (w !== '' && !/[\s{}"'\\$]/.test(w) && !/^[#!@~]/.test(w)) return w;
  // Escapes the lexer decodes; `$` as octal so that no $NAME substitution can see it.
  return `"${w.replace(/[\\"$\n\r]/g, (c) => (c === '$' ? '\\044' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`))}"`;
}

export function linesToText(lines: readonly RenderLine[], indent = ''): string {
  let s = '';
  for (const l of lines) {
    const words = l.words.map(quoteWord).join(' ');
    if (l.children) {
      s += `${indent}${words} {\n${linesToText(l.children, indent + '    ')}${indent}}\n`;
    } else s += `${indent}${words}\n`;
  }
  return s;
}

export function renderConf(cfg: KeepalivedConfig): string {
  return `# keepalived.conf rendered by ka-ts from ${cfg.file}\n${linesToText(modelToLines(cfg))}`;
}
