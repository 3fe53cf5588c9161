// vrrp_script, vrrp_track_file, vrrp_track_process blocks and the track_* lists inside
// vrrp_instance / vrrp_sync_group (keepalived 2.2.7 vrrp/vrrp_parser.c).
import type { ScriptUser, TrackRef, VrrpScript, VrrpTrackFile, VrrpTrackProcess } from '../../src/config/model.js';
import { flag, int, line, needArgs, parseNumber, seconds, str, type KeywordSpec, type ParseCtx, type RenderLine, type Table } from '../keyword-table.js';
import type { Stmt } from '../tree.js';

const weightSpec = <T extends { weight: number; weightReverse: boolean }>(min: number, max: number, dflt: number): KeywordSpec<T> => ({
  keyword: 'weight',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, min, max, true, 'weight');
    if (n !== undefined) t.weight = n;
    if (stmt.args[1]?.text === 'reverse') t.weightReverse = true;
  },
  render: (t) => (t.weight === dflt && !t.weightReverse ? [] : [t.weightReverse ? line('weight', t.weight, 'reverse') : line('weight', t.weight)]),
});

function userSpec<T extends { user?: ScriptUser }>(): KeywordSpec<T> {
  return {
    keyword: 'user',
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      t.user = stmt.args[1] ? { user: stmt.args[0]!.text, group: stmt.args[1].text } : { user: stmt.args[0]!.text };
    },
    render: (t) => (t.user ? [t.user.group ? line('user', t.user.user, t.user.group) : line('user', t.user.user)] : []),
  };
}

export function newVrrpScript(name: string, loc: VrrpScript['loc']): VrrpScript {
  return { name, intervalMs: 1000, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false, loc, extra: {} };
}

export const VRRP_SCRIPT_TABLE: Table<VrrpScript> = [
  str('script', 'script', true),
  seconds('interval', 'intervalMs', 0.000001, 86400, 1000),
  seconds('timeout', 'timeoutMs', 0.000001, 86400),
  weightSpec<VrrpScript>(-253, 253, 0),
  int('rise', 'rise', 1, 65535, 1),
  int('fall', 'fall', 1, 65535, 1),
  userSpec<VrrpScript>(),
  flag('init_fail', 'initFail'),
];

export function newTrackFile(name: string, loc: VrrpTrackFile['loc']): VrrpTrackFile {
  return { name, weight: 1, weightReverse: false, loc };
}

const initFile: KeywordSpec<VrrpTrackFile> = {
  keyword: 'init_file',
  handle(ctx, stmt, t) {
    let value = 0;
    let overwrite = false;
    for (const a of stmt.args) {
      if (a.text === 'overwrite') overwrite = true;
      else {
        const n = parseNumber(ctx, a, -2147483648, 2147483647, true, 'init_file');
        if (n !== undefined) value = n;
      }
    }
    t.initFile = { value, overwrite };
  },
  render: (t) => (t.initFile ? [line('init_file', t.initFile.value, ...(t.initFile.overwrite ? ['overwrite'] : []))] : []),
};

export const TRACK_FILE_TABLE: Table<VrrpTrackFile> = [
  str('file', 'file'),
  weightSpec<VrrpTrackFile>(-254, 254, 1),
  initFile,
];

export function newTrackProcess(name: string, loc: VrrpTrackProcess['loc']): VrrpTrackProcess {
  return { name, weight: 0, weightReverse: false, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false, loc };
}

// keepalived vrrp_tprocess_process_handler: parameters after the name switch to matching the
// whole command line, exactly unless param_match said otherwise.
const processSpec: KeywordSpec<VrrpTrackProcess> = {
  keyword: 'process',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    if (t.process !== undefined) {
      ctx.sink.warning('duplicate-keyword', `process already set for vrrp_track_process ${t.name} - ignoring ${stmt.args[0]!.text}`, stmt.args[0]!.loc);
      return;
    }
    t.process = stmt.args[0]!.text;
    if (stmt.args.length > 1) {
      t.params = stmt.args.slice(1).map((a) => a.text);
      t.paramMatch ??= 'exact';
      t.fullCommand = true;
    }
  },
  render: (t) => (t.process === undefined ? [] : [line('process', t.process, ...(t.params ?? []))]),
};

const paramMatchSpec: KeywordSpec<VrrpTrackProcess> = {
  keyword: 'param_match',
  handle(ctx, stmt, t) {
    const v = stmt.args[0]?.text ?? 'exact';
    if (v !== 'exact' && v !== 'initial' && v !== 'partial') {
      ctx.sink.warning('param-match', `Invalid param_match type ${v} - ignoring (initial|partial, or none for an exact match)`, stmt.args[0]!.loc);
      return;
    }
    // Written without an argument it asks for an exact match (a process with no parameters).
    t.paramMatch = v;
    t.fullCommand = true;
  },
  render: (t) => {
    // After `process NAME PARAMS...`, an exact match is implied and needs no line of its own.
    if (t.paramMatch === undefined || (t.paramMatch === 'exact' && t.params !== undefined)) return [];
    return [t.paramMatch === 'exact' ? line('param_match') : line('param_match', t.paramMatch)];
  },
};

// quorum and quorum_max check each other as keepalived's handlers do, in the order written.
const quorumSpec: KeywordSpec<VrrpTrackProcess> = {
  keyword: 'quorum',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, 1, 65535, true, 'quorum');
    if (n === undefined) return;
    if (t.quorumMax !== undefined && n > t.quorumMax) {
      ctx.sink.warning('quorum-range', `vrrp_track_process ${t.name}: quorum ${n} is greater than quorum_max ${t.quorumMax} - ignoring`, stmt.args[0]!.loc);
      return;
    }
    t.quorum = n;
  },
  render: (t) => (t.quorum === 1 || t.quorumMax === 0 ? [] : [line('quorum', t.quorum)]),
};

const quorumMaxSpec: KeywordSpec<VrrpTrackProcess> = {
  keyword: 'quorum_max',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, 0, 65535, true, 'quorum_max');
    if (n === undefined) return;
    // 0 ("must not run") is allowed unless a quorum above 1 was set before it.
    if ((n !== 0 || t.quorum > 1) && n < t.quorum) {
      ctx.sink.warning('quorum-range', `vrrp_track_process ${t.name}: quorum_max ${n} is less than quorum ${t.quorum} - ignoring`, stmt.args[0]!.loc);
      return;
    }
    t.quorumMax = n;
    if (n === 0) t.quorum = 0;
    else if (t.quorum === 0) t.quorum = 1;
  },
  render: (t) => (t.quorumMax === undefined ? [] : [line('quorum_max', t.quorumMax)]),
};

// `delay` sets both delays; written as delay only when they are equal.
const delaySpec: KeywordSpec<VrrpTrackProcess> = {
  keyword: 'delay',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const n = parseNumber(ctx, stmt.args[0]!, 0.000001, 3600, false, 'delay');
    if (n === undefined) return;
    t.forkDelayMs = Math.round(n * 1000);
    t.terminateDelayMs = Math.round(n * 1000);
  },
  render: () => [],
};

export const TRACK_PROCESS_TABLE: Table<VrrpTrackProcess> = [
  processSpec,
  paramMatchSpec,
  weightSpec<VrrpTrackProcess>(-254, 254, 0),
  quorumSpec,
  quorumMaxSpec,
  delaySpec,
  seconds('fork_delay', 'forkDelayMs', 0.000001, 3600, 0),
  seconds('terminate_delay', 'terminateDelayMs', 0.000001, 3600, 0),
  flag('full_command', 'fullCommand'),
];

/**
 * A track_* block: one line per tracked object, `NAME [weight N [reverse]]`.
 * `maxWeight` is 254 for interfaces/files/processes and 253 for scripts, as in keepalived.
 */
export function parseTrackList(ctx: ParseCtx, stmt: Stmt, list: TrackRef[], maxWeight: number): void {
  for (const c of stmt.children ?? []) {
    const ref: TrackRef = { name: c.keyword.text, loc: c.keyword.loc };
    const a = c.args;
    for (let i = 0; i < a.length; i++) {
      const w = a[i]!;
      if (w.text === 'weight' && a[i + 1]) {
        const n = parseNumber(ctx, a[i + 1]!, -maxWeight, maxWeight, true, `${stmt.keyword.text} ${ref.name} weight`);
        if (n !== undefined) ref.weight = n;
        i++;
      } else if (w.text === 'reverse') ref.reverse = true;
      else if (w.text === 'weight') ctx.sink.warning('track-weight', `${stmt.keyword.text} ${ref.name}: 'weight' needs a number`, w.loc);
      else ctx.sink.warning('track-option', `${stmt.keyword.text} ${ref.name}: unexpected '${w.text}' (expected 'weight N [reverse]')`, w.loc);
    }
    list.push(ref);
  }
}

export function renderTrackList(keyword: string, list: readonly TrackRef[]): RenderLine[] {
  if (list.length === 0) return [];
  return [{
    words: [keyword],
    children: list.map((r) => ({ words: [r.name, ...(r.weight !== undefined ? ['weight', String(r.weight)] : []), ...(r.reverse ? ['reverse'] : [])] })),
  }];
}

export function trackListSpec<T>(keyword: string, pick: (t: T) => TrackRef[], maxWeight: number): KeywordSpec<T> {
  return {
    keyword,
    block: true,
    handle: (ctx, stmt, t) => parseTrackList(ctx, stmt, pick(t), maxWeight),
    render: (t) => renderTrackList(keyword, pick(t)),
  };
}

