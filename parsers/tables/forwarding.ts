// `lb_kind` / `lvs_method` / `sorry_server_lvs_method`: the forwarding method and, for tunnels,
// keepalived 2.2.7's options (check_parser.c svr_forwarding_handler):
//   NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]
// The method is taken first; an invalid tunnel option is reported and leaves the tunnel settings
// unset, as keepalived returns before storing them. gue needs a port and only gue takes one; ipip
// takes no checksum option; gre takes no remcsum.
import type { LbKind, TunnelConfig } from '../../src/config/model.js';
import { line, type ParseCtx, type RenderLine } from '../keyword-table.js';
import type { Stmt } from '../tree.js';

const KINDS: readonly LbKind[] = ['NAT', 'DR', 'TUN'];
const TYPES = ['ipip', 'gue', 'gre'] as const;
const CHECKSUMS = ['nocsum', 'csum', 'remcsum'] as const;

export interface Forwarding {
  kind: LbKind;
  /** Present when tunnel options were written and valid. */
  tunnel?: TunnelConfig;
  /** The tunnel options were invalid: keepalived returns before storing them, so the old ones stay. */
  keepTunnel?: true;
}

/**
 * Stores a parsed forwarding on its owner (virtual, real or sorry server). A valid statement
 * replaces the tunnel settings, also with none (keepalived starts from ipip defaults each time);
 * an invalid tunnel option leaves them as they were.
 */
export function setForwarding(t: { lbKind?: LbKind; tunnel?: TunnelConfig }, f: Forwarding): void {
  t.lbKind = f.kind;
  if (f.keepTunnel) return;
  if (f.tunnel) t.tunnel = f.tunnel;
  else delete t.tunnel;
}

/** `server` names the owner in messages, as keepalived does: "virtual", "real" or "sorry". */
export function parseForwarding(ctx: ParseCtx, stmt: Stmt, server: 'virtual' | 'real' | 'sorry'): Forwarding | undefined {
  const [first, ...rest] = stmt.args;
  const kind = first!.text;
  if (!(KINDS as readonly string[]).includes(kind)) {
    ctx.sink.warning('invalid-lb-kind', `${stmt.keyword.text} '${kind}' is not one of NAT DR TUN (keepalived: "unknown [${kind}] routing method for ${server} server") - ignored`, first!.loc);
    return undefined;
  }
  const out: Forwarding = { kind: kind as LbKind };
  if (rest.length === 0) return out;
  let type: TunnelConfig['type'] = 'ipip';
  let port: number | undefined;
  let checksum: TunnelConfig['checksum'];
  const bad = (message: string, at = first!): Forwarding => {
    ctx.sink.warning('invalid-tunnel-option', `${stmt.keyword.text}: ${message} - tunnel options ignored`, at.loc);
    return { ...out, keepTunnel: true };
  };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w.text === 'type') {
      const v = rest[++i];
      if (!v) return bad(`missing tunnel type for ${server} server`, w);
      if (!(TYPES as readonly string[]).includes(v.text)) return bad(`unknown tunnel type ${v.text} for ${server} server (ipip, gue or gre)`, v);
      type = v.text as TunnelConfig['type'];
    } else if (w.text === 'port') {
      const v = rest[++i];
      if (!v) return bad(`missing port for ${server} server gue tunnel`, w);
      const n = /^\d+$/.test(v.text) ? Number(v.text) : NaN;
      if (!(n >= 1 && n <= 65535)) return bad(`invalid gue tunnel port ${v.text} for ${server} server (1-65535)`, v);
      port = n;
    } else if ((CHECKSUMS as readonly string[]).includes(w.text)) {
      checksum = w.text as TunnelConfig['checksum'];
    } else {
      return bad(`invalid tunnel option ${w.text} for ${server} server`, w);
    }
  }
  if ((type === 'gue') !== (port !== undefined)) return bad('gue tunnels require port, otherwise cannot have port');
  if (type === 'ipip' && checksum !== undefined && checksum !== 'nocsum') return bad('ipip tunnels do not support checksum option');
  if (type === 'gre' && checksum === 'remcsum') return bad('gre tunnels do not support remote checksum option');
  out.tunnel = { type, ...(port !== undefined ? { port } : {}), ...(checksum !== undefined ? { checksum } : {}) };
  return out;
}

/** The words after the keyword: `TUN type gue port 6080 csum`. */
export function renderForwarding(keyword: string, kind: LbKind, tunnel: TunnelConfig | undefined): RenderLine {
  if (!tunnel) return line(keyword, kind);
  const words: Array<string | number> = [kind, 'type', tunnel.type];
  if (tunnel.port !== undefined) words.push('port', tunnel.port);
  if (tunnel.checksum !== undefined) words.push(tunnel.checksum);
  return line(keyword, ...words);
}
