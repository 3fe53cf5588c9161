// The parsing logic of the two Prometheus exporters operators already run against keepalived,
// ported line for line from Go so tests can check that ka-ts's dump files read the same way:
//  - mehdy/keepalived-exporter internal/collector/parser.go (ParseVRRPData, ParseVRRPScript,
//    ParseStats, parseVIP) and the JSON structs in collector.go;
//  - gen2brain/keepalived_exporter collector/collector.go (parseData, parseStats).
// Where the Go code returns an error, these throw, so a test fails exactly where the exporter
// would report "No data found".

const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT'];

/** Go's strings.Split(s, sep)[i] with an index check that Go would panic on. */
function part(parts: string[], i: number, line: string): string {
  const v = parts[i];
  if (v === undefined) throw new Error(`exporter would panic (index ${i}) on line: ${JSON.stringify(line)}`);
  return v;
}

/** Go's strconv.Atoi: optional sign and decimal digits only. */
function atoi(s: string, ctx: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax (${ctx})`);
  return Number(s);
}

export interface MehdyVrrpData { iname: string; state: number; wantstate: number; intf: string; garpDelay: number; vrid: number; vips: string[] }

export function mehdyParseVrrpData(text: string): Map<string, MehdyVrrpData> {
  const data = new Map<string, MehdyVrrpData>();
  let instance = '';
  let key = '';
  let val = '';
  for (const l of goLines(text)) {
    if (l.startsWith(' VRRP Instance') && l.includes('=')) {
      instance = part(l.trim().split('='), 1, l).trim();
      data.set(instance, { iname: instance, state: 0, wantstate: 0, intf: '', garpDelay: 0, vrid: 0, vips: [] });
    } else if (l.startsWith('   ') && instance !== '') {
      const d = data.get(instance)!;
      if (l.startsWith('     ')) {
        val = l.trim();
      } else {
        let args: string[];
        if (l.includes('=')) args = l.trim().split('=');
        else if (l.includes(':')) args = l.trim().split(':');
        else continue;
        key = part(args, 0, l).trim();
        if (key === 'Virtual IP') continue; // isKeyArray
        val = part(args, 1, l).trim();
      }
      if ((key.startsWith('Virtual IP (') || key === 'Virtual IP') && val !== '') d.vips.push(val.trim());
      switch (key) {
        case 'State': d.state = stateCode(val, 'state'); break;
        case 'Wantstate': d.wantstate = stateCode(val, 'wantstate'); break;
        case 'Interface': case 'Listening device': d.intf = val; break;
        case 'Gratuitous ARP delay': d.garpDelay = atoi(val, key); break;
        case 'Virtual Router ID': d.vrid = atoi(val, key); break;
      }
    } else if (l.startsWith(' VRRP Version') || l.startsWith(' VRRP Script')) {
      continue;
    } else {
      instance = '';
    }
  }
  return data;
}

function stateCode(val: string, what: string): number {
  const i = VRRP_STATES.indexOf(val);
  if (i < 0) throw new Error(`Unknown ${what} found: ${val}`);
  return i;
}

export interface MehdyScript { name: string; status: string; state: string }

export function mehdyParseVrrpScript(text: string): MehdyScript[] {
  const scripts: MehdyScript[] = [];
  let script: MehdyScript = { name: '', status: '', state: '' };
  for (const l of goLines(text)) {
    if (l.startsWith(' VRRP Script') && l.includes('=')) {
      if (script.name !== '') { scripts.push(script); script = { name: '', status: '', state: '' }; }
      script.name = part(l.trim().split('='), 1, l).trim();
    } else if (l.startsWith('   ') && script.name !== '') {
      if (!l.includes('=')) continue;
      const s = l.trim().split('=');
      const key = part(s, 0, l).trim();
      const val = part(s, 1, l).trim();
      if (key === 'Status') script.status = val;
      if (key === 'State') script.state = val;
    } else if (!l.startsWith('    ')) {
      if (script.name !== '') { scripts.push(script); script = { name: '', status: '', state: '' }; }
    }
  }
  if (script.name !== '') scripts.push(script);
  return scripts;
}

/** Field names as the exporters' Go structs tag them (`json:"advert_rcvd"` ...). */
export interface ExporterStats {
  advert_rcvd: number; advert_sent: number; become_master: number; release_master: number;
  packet_len_err: number; advert_interval_err: number; ip_ttl_err: number; invalid_type_rcvd: number;
  addr_list_err: number; invalid_authtype: number; authtype_mismatch: number; auth_failure: number;
  pri_zero_rcvd: number; pri_zero_sent: number;
}

const zeroStats = (): ExporterStats => ({
  advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0,
  advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0,
  authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0,
});

/** The section/key switch shared (identically) by both exporters' stats parsers. */
function applyStat(st: ExporterStats, section: string, key: string, value: number): void {
  const table: Record<string, Record<string, keyof ExporterStats>> = {
    Advertisements: { Received: 'advert_rcvd', Sent: 'advert_sent' },
    'Packet Errors': { Length: 'packet_len_err', TTL: 'ip_ttl_err', 'Invalid Type': 'invalid_type_rcvd', 'Advertisement Interval': 'advert_interval_err', 'Address List': 'addr_list_err' },
    'Authentication Errors': { 'Invalid Type': 'invalid_authtype', 'Type Mismatch': 'authtype_mismatch', Failure: 'auth_failure' },
    'Priority Zero': { Received: 'pri_zero_rcvd', Sent: 'pri_zero_sent' },
  };
  const field = table[section]?.[key];
  if (field) st[field] = value;
}

function applyTop(st: ExporterStats, key: string, value: number): void {
  if (key === 'Became master') st.become_master = value;
  if (key === 'Released master') st.release_master = value;
}

export function mehdyParseStats(text: string): Map<string, ExporterStats> {
  const stats = new Map<string, ExporterStats>();
  let instance = '';
  let section = '';
  for (const l of goLines(text)) {
    if (l.startsWith('VRRP Instance') && l.includes(':')) {
      instance = part(l.trim().split(':'), 1, l).trim();
      stats.set(instance, zeroStats());
    } else if (l.startsWith('  ') && l.endsWith(':')) {
      section = part(l.trim().split(':'), 0, l).trim();
    } else if (l.startsWith('    ') && section !== '') {
      const sp = l.trim().split(':');
      const key = part(sp, 0, l).trim();
      const value = atoi(part(sp, 1, l).trim(), key);
      applyStat(stats.get(instance)!, section, key, value);
    } else if (l.startsWith('  ') && !l.endsWith(':') && !l.startsWith('    ')) {
      const sp = l.trim().split(':');
      const key = part(sp, 0, l).trim();
      const value = atoi(part(sp, 1, l).trim(), key);
      section = '';
      applyTop(stats.get(instance)!, key, value);
    }
  }
  return stats;
}

/** mehdy parseVIP: word 0 is the address label, word 2 the interface label. */
export function mehdyParseVip(vip: string): { ip: string; intf: string } | undefined {
  const args = vip.split(' ');
  if (args.length < 3) return undefined;
  return { ip: args[0]!, intf: args[2]! };
}

export interface Gen2brainData { iname: string; ifp_ifname: string; last_transition: number; vrid: number; state: number; wantstate: number }

export function gen2brainParseData(text: string): Gen2brainData[] {
  const data: Gen2brainData[] = [];
  const blank = (): Gen2brainData => ({ iname: '', ifp_ifname: '', last_transition: 0, vrid: 0, state: 0, wantstate: 0 });
  let dt = blank();
  for (const line of goLines(text)) {
    if (line.startsWith(' VRRP Instance') && line.includes('=')) {
      dt.iname = part(line.trim().split('='), 1, line).trim();
    } else if (line.startsWith('   ') && line.includes('=') && dt.iname !== '') {
      const sp = line.trim().split('=');
      const key = part(sp, 0, line).trim();
      const val = part(sp, 1, line).trim();
      switch (key) {
        case 'Interface': dt.ifp_ifname = val; break;
        case 'Last transition': {
          const f = Number(val.split(' ')[0]);
          if (!Number.isFinite(f)) throw new Error(`ParseFloat: ${val}`);
          dt.last_transition = f;
          break;
        }
        case 'Virtual Router ID': dt.vrid = atoi(val, key); break;
        case 'State': if (VRRP_STATES.includes(val)) dt.state = VRRP_STATES.indexOf(val); break;
        case 'Wantstate': if (VRRP_STATES.includes(val)) dt.wantstate = VRRP_STATES.indexOf(val); break;
      }
    } else if (line.startsWith(' VRRP Version')) {
      // noop
    } else if (dt.iname !== '') {
      data.push(dt);
      dt = blank();
    }
  }
  return data;
}

export function gen2brainParseStats(text: string): ExporterStats[] {
  const data: ExporterStats[] = [];
  let dt = zeroStats();
  let section = '';
  let instance = '';
  for (const line of goLines(text)) {
    if (line.startsWith('VRRP Instance') && line.includes(':')) {
      if (instance !== '') { data.push(dt); dt = zeroStats(); }
      instance = part(line.trim().split(':'), 1, line).trim();
    } else if (line.startsWith('  ') && line.endsWith(':')) {
      section = part(line.trim().split(':'), 0, line).trim();
    } else if (line.startsWith('    ') && section !== '') {
      const sp = line.trim().split(':');
      const key = part(sp, 0, line).trim();
      applyStat(dt, section, key, atoi(part(sp, 1, line).trim(), key));
    } else if (line.startsWith('  ') && !line.endsWith(':') && !line.startsWith('    ')) {
      const sp = line.trim().split(':');
      const key = part(sp, 0, line).trim();
      section = '';
      applyTop(dt, key, atoi(part(sp, 1, line).trim(), key));
    }
  }
  if (instance !== '') data.push(dt);
  return data;
}

/** The JSON both exporters decode: `[{data: {...}, stats: {...}}]` (Go's json ignores unknown fields). */
export interface ExporterJsonEntry {
  data: { iname: string; ifp_ifname: string; vrid: number; state: number; wantstate: number; garp_delay: number; last_transition: number; vips: string[] };
  stats: ExporterStats;
}

export function exporterParseJson(text: string): ExporterJsonEntry[] {
  const doc: unknown = JSON.parse(text);
  if (!Array.isArray(doc)) throw new Error('json: cannot unmarshal object into Go value of type []VRRP');
  for (const e of doc) {
    const d = (e as { data?: Record<string, unknown> }).data;
    const s = (e as { stats?: Record<string, unknown> }).stats;
    if (!d || !s) throw new Error('entry without data/stats');
    // Go would reject a string where the struct has int, and vice versa.
    for (const k of ['vrid', 'state', 'wantstate', 'garp_delay']) if (typeof d[k] !== 'number' || !Number.isInteger(d[k])) throw new Error(`data.${k} not an int`);
    if (typeof d.last_transition !== 'number') throw new Error('data.last_transition not a float');
    for (const k of ['iname', 'ifp_ifname']) if (typeof d[k] !== 'string') throw new Error(`data.${k} not a string`);
    if (!Array.isArray(d.vips) || !d.vips.every((v) => typeof v === 'string')) throw new Error('data.vips not []string');
    for (const k of Object.keys(zeroStats())) if (typeof s[k] !== 'number' || !Number.isInteger(s[k])) throw new Error(`stats.${k} not an int`);
  }
  return doc as ExporterJsonEntry[];
}

/** bufio.Scanner line splitting: "\n" separated, trailing "\r" dropped, no final empty token. */
function goLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
