// Address, route and rule lines of virtual_ipaddress / static_ipaddress / virtual_routes /
// virtual_rules (keepalived's vrrp_ipaddress.c, vrrp_iproute.c, vrrp_iprule.c), parsed into the
// model with invalid addresses reported the way keepalived reports them (skipped, exit 5).
import { isIP } from 'node:net';
import type { Family, SourceLoc, VirtualAddress, VirtualRoute, VirtualRule } from '../src/config/model.js';
import type { ParseCtx } from './keyword-table.js';
import type { Stmt } from './tree.js';

/** Dotted-quad check without a regular expression: most addresses in big configs are IPv4. */
function isIPv4Fast(s: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros (inet_pton rejects "010" in strict mode as net.isIP does).
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

export function familyOf(addr: string): Family | undefined {
  if (isIPv4Fast(addr)) return 'inet';
  if (!addr.includes(':')) return undefined;
  const v = isIP(addr);
  return v === 4 ? 'inet' : v === 6 ? 'inet6' : undefined;
}

/** `ADDR` or `ADDR/LEN`; undefined when not a valid address or prefix. */
export function parsePrefix(text: string): { address: string; prefixLen: number; family: Family; explicitLen: boolean } | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = familyOf(address);
  if (!family) return undefined;
  const max = family === 'inet' ? 32 : 128;
  if (slash < 0) return { address, prefixLen: max, family, explicitLen: false };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) return undefined;
  return { address, prefixLen: Number(lenText), family, explicitLen: true };
}

const ADDRESS_OPTIONS_WITH_VALUE = new Set(['brd', 'broadcast', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'valid_lft', 'track_group']);
const ADDRESS_FLAGS = new Set(['no_track', 'home', 'nodad', 'noprefixroute', 'mngtmpaddr', 'autojoin', '-nodad']);

/** One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress. */
export function parseAddressLine(ctx: ParseCtx, stmt: Stmt, block: string): VirtualAddress | undefined {
  const words = [stmt.keyword, ...stmt.args];
  const first = words[0]!;
  const p = parsePrefix(first.text);
  if (!p) {
    ctx.sink.warning('invalid-address', `${block}: '${first.text}' is not a valid IP address[/prefix] - address skipped (keepalived: "VRRP parsed invalid IP ${first.text}. skipping IP...")`, first.loc);
    return undefined;
  }
  const out: VirtualAddress = { address: p.address, prefixLen: p.prefixLen, family: p.family, loc: first.loc };
  const options: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const key = w.text;
    if (ADDRESS_FLAGS.has(key)) {
      if (key === 'no_track') out.noTrack = true;
      else options.push(key);
      continue;
    }
    if (!ADDRESS_OPTIONS_WITH_VALUE.has(key)) {
      ctx.sink.warning('unknown-address-option', `${block}: unknown address option '${key}' - ignored`, w.loc);
      continue;
    }
    const v = words[i + 1];
    if (!v) {
      ctx.sink.warning('address-option-value', `${block}: '${key}' needs a value`, w.loc);
      break;
    }
    i++;
    if (key === 'brd' || key === 'broadcast') out.brd = v.text;
    else if (key === 'dev') out.dev = v.text;
    else if (key === 'scope') out.scope = v.text;
    else if (key === 'label') out.label = v.text;
    else if (key === 'peer') out.peer = v.text;
    else options.push(key, v.text);
  }
  if (options.length) out.options = options;
  return out;
}

export function renderAddress(a: VirtualAddress): string[] {
  const max = a.family === 'inet' ? 32 : 128;
  const w = [a.prefixLen === max ? a.address : `${a.address}/${a.prefixLen}`];
  if (a.brd !== undefined) w.push('brd', a.brd);
  if (a.dev !== undefined) w.push('dev', a.dev);
  if (a.scope !== undefined) w.push('scope', a.scope);
  if (a.label !== undefined) w.push('label', a.label);
  if (a.peer !== undefined) w.push('peer', a.peer);
  if (a.options) w.push(...a.options);
  if (a.noTrack) w.push('no_track');
  return w;
}

const ROUTE_DEPRECATED: Record<string, { now: string; message: string }> = {
  gw: { now: 'via', message: '"gw" for routes is deprecated, use "via"' },
  or: { now: 'nexthop', message: '"or" for routes is deprecated, use "nexthop"' },
};

/** One line of virtual_routes / static_routes. */
export function parseRouteLine(ctx: ParseCtx, stmt: Stmt, block: string, needDev: boolean): VirtualRoute | undefined {
  const words = [stmt.keyword, ...stmt.args];
  const texts: string[] = [];
  let i = 0;
  const loc: SourceLoc = stmt.keyword.loc;
  const route: Partial<VirtualRoute> = { loc };
  // Optional leading route type (unicast, blackhole, ...) and `src ADDR` before the destination.
  const TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat']);
  if (TYPES.has(words[0]!.text)) texts.push(words[i++]!.text);
  if (words[i]?.text === 'src') {
    route.src = words[i + 1]?.text;
    texts.push('src', words[i + 1]?.text ?? '');
    i += 2;
  }
  const destTok = words[i];
  if (!destTok) {
    ctx.sink.warning('route-destination', `${block}: route has no destination`, loc);
    return undefined;
  }
  const dest = destTok.text === 'default' ? { address: 'default', prefixLen: 0, family: 'inet' as Family } : parsePrefix(destTok.text);
  if (!dest) {
    ctx.sink.warning('invalid-route', `${block}: '${destTok.text}' is not a valid route destination - route skipped`, destTok.loc);
    return undefined;
  }
  texts.push(destTok.text);
  route.destination = destTok.text;
  route.family = dest.family;
  i++;
  for (; i < words.length; i++) {
    const w = words[i]!;
    let key = w.text;
    const dep = ROUTE_DEPRECATED[key];
    if (dep) {
      ctx.sink.warning('deprecated-route-word', dep.message, w.loc);
      key = dep.now;
    }
    texts.push(key);
    const v = words[i + 1]?.text;
    if (key === 'no_track') route.noTrack = true;
    else if (key === 'via' && v !== undefined) {
      route.via = v;
      const f = familyOf(v);
      if (f && destTok.text === 'default') route.family = f;
    } else if (key === 'dev' && v !== undefined) route.dev = v;
    else if (key === 'src' && v !== undefined) route.src = v;
    else if (key === 'table' && v !== undefined) route.table = v;
    else if ((key === 'metric' || key === 'preference' || key === 'priority') && v !== undefined && /^\d+$/.test(v)) route.metric = Number(v);
    else continue;
    if (key !== 'no_track' && v !== undefined) {
      texts.push(v);
      i++;
    }
  }
  route.words = texts;
  if (needDev && !route.dev && !route.noTrack) {
    ctx.sink.warning('route-untracked', `${block}: route ${route.destination} has no 'dev', so it cannot be tracked - add 'dev IFNAME' or 'no_track' (keepalived: "cannot track route ... with no interface specified, not tracking")`, loc);
  }
  return route as VirtualRoute;
}

/** One line of virtual_rules / static_rules. */
export function parseRuleLine(ctx: ParseCtx, stmt: Stmt, block: string, index: number): VirtualRule | undefined {
  const words = [stmt.keyword, ...stmt.args];
  const rule: VirtualRule = { words: words.map((w) => w.text), family: 'inet', loc: stmt.keyword.loc };
  for (let i = 0; i < words.length; i++) {
    const key = words[i]!.text;
    const v = words[i + 1];
    if (key === 'no_track') rule.noTrack = true;
    if (!v) continue;
    if (key === 'from' || key === 'to') {
      const p = v.text === 'all' ? { family: 'inet' as Family } : parsePrefix(v.text);
      if (!p) {
        ctx.sink.warning('invalid-rule-address', `${block}: '${v.text}' is not a valid address for '${key}' - rule skipped`, v.loc);
        return undefined;
      }
      rule.family = p.family;
      if (key === 'from') rule.from = v.text;
      else rule.to = v.text;
    } else if (key === 'table' || key === 'lookup') rule.table = v.text;
    else if (key === 'preference' || key === 'pref' || key === 'priority') {
      if (/^\d+$/.test(v.text)) rule.preference = Number(v.text);
    }
  }
  if (rule.preference === undefined) {
    ctx.sink.warning('rule-no-preference', `${block}: rule has no 'preference' - keepalived gives it ${16384 - index}, which is probably not what you want`, rule.loc);
  }
  return rule;
}
