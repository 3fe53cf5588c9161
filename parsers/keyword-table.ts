// Declarative keyword tables, as keepalived's lib/parser.c install_keyword(): each block of
// keepalived.conf has a table keyword → spec; the spec both parses a statement into the model
// object of the block and renders that object's value back to keepalived.conf lines. Field
// helpers (int, seconds, str, flag, enumOf, raw) cover the common shapes; blocks with their own
// grammar provide a handler and renderer of their own.
import type { ExtraKeywords } from '../src/config/model.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { Token } from './lexer.js';
import type { Stmt } from './tree.js';

export interface ParseCtx {
  sink: DiagnosticSink;
  /** Set when keepalived would stop reading (a keyword missing its value): exit 2. */
  stopped: boolean;
}

/** One rendered line: words (quoted on output when needed) and an optional block. */
export interface RenderLine {
  words: string[];
  children?: RenderLine[];
}

export interface KeywordSpec<T> {
  keyword: string;
  /** The statement must open a `{ }` block. */
  block?: boolean;
  /** Alternative spellings; `warn` set = keepalived warns that the spelling is deprecated. */
  aliases?: Array<{ name: string; warn?: string }>;
  handle(ctx: ParseCtx, stmt: Stmt, target: T): void;
  /** Lines reproducing the value in `target` (empty when it is the default). */
  render(target: T): RenderLine[];
}

export type Table<T> = readonly KeywordSpec<T>[];

type Rec = Record<string, unknown>;

/** keepalived exits the config test (code 2) when a keyword lacks a required word. */
export function needArgs(ctx: ParseCtx, stmt: Stmt, n: number): boolean {
  if (stmt.args.length >= n) return true;
  const kw = stmt.keyword.text;
  ctx.sink.error('missing-parameter', `'${kw}' needs ${n === 1 ? 'a value' : `${n} values`} (keepalived stops reading the configuration here: "Configuration line starting \`${kw}\` is missing a parameter after keyword \`${kw}\` at word position ${stmt.args.length + 2}")`, stmt.keyword.loc, 2);
  ctx.stopped = true;
  return false;
}

export function parseNumber(ctx: ParseCtx, tok: Token, min: number, max: number, integer: boolean, what: string): number | undefined {
  const s = tok.text;
  const ok = integer ? /^[+-]?\d+$/.test(s) : /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s);
  if (!ok) {
    ctx.sink.warning('invalid-number', `${what}: '${s}' is not ${integer ? 'an integer' : 'a number'} - ignored`, tok.loc);
    return undefined;
  }
  const v = Number(s);
  if (v < min || v > max) {
    ctx.sink.warning('out-of-range', `${what}: ${s} is outside the range [${min}, ${max}] - ignored`, tok.loc);
    return undefined;
  }
  return v;
}

const BOOL_WORDS: Record<string, boolean> = { on: true, off: false, true: true, false: false, yes: true, no: false };

export const line = (...words: Array<string | number>): RenderLine => ({ words: words.map(String) });

// ---------------------------------------------------------------------------------------------
// field helpers

export function int<T>(keyword: string, field: keyof T & string, min: number, max: number, dflt?: number): KeywordSpec<T> {
  return {
    keyword,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      const v = parseNumber(ctx, stmt.args[0]!, min, max, true, keyword);
      if (v !== undefined) (t as Rec)[field] = v;
    },
    render: (t) => {
      const v = (t as Rec)[field];
      return v === undefined || v === dflt ? [] : [line(keyword, v as number)];
    },
  };
}

/** A time in (fractional) seconds stored as milliseconds. */
export function seconds<T>(keyword: string, field: keyof T & string, minS: number, maxS: number, dfltMs?: number): KeywordSpec<T> {
  return {
    keyword,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      const v = parseNumber(ctx, stmt.args[0]!, minS, maxS, false, keyword);
      if (v !== undefined) (t as Rec)[field] = Math.round(v * 1000);
    },
    render: (t) => {
      const v = (t as Rec)[field];
      return v === undefined || v === dfltMs ? [] : [line(keyword, (v as number) / 1000)];
    },
  };
}

/** A single word, or with `rest` the whole rest of the line joined by spaces (script command lines). */
export function str<T>(keyword: string, field: keyof T & string, rest = false): KeywordSpec<T> {
  return {
    keyword,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      (t as Rec)[field] = rest ? stmt.args.map((a) => a.text).join(' ') : stmt.args[0]!.text;
    },
    render: (t) => {
      const v = (t as Rec)[field];
      return v === undefined ? [] : [line(keyword, v as string)];
    },
  };
}

/** A keyword that turns something on; an optional BOOL word can turn it off. */
export function flag<T>(keyword: string, field: keyof T & string, dflt: boolean | undefined = false): KeywordSpec<T> {
  return {
    keyword,
    handle(_ctx, stmt, t) {
      // keepalived ignores words after most switches (`nopreempt 1`); a BOOL word is honoured.
      const w = stmt.args[0]?.text.toLowerCase();
      const v = w !== undefined && w in BOOL_WORDS ? BOOL_WORDS[w] : true;
      (t as Rec)[field] = v;
    },
    render: (t) => {
      const v = (t as Rec)[field];
      if (v === undefined || v === dflt) return [];
      return [v ? line(keyword) : line(keyword, 'false')];
    },
  };
}

export function enumOf<T>(keyword: string, field: keyof T & string, values: readonly string[], opts: { ignoreCase?: boolean; dflt?: string; message?: string } = {}): KeywordSpec<T> {
  return {
    keyword,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      const w = stmt.args[0]!;
      const hit = values.find((v) => (opts.ignoreCase ? v.toLowerCase() === w.text.toLowerCase() : v === w.text));
      if (hit === undefined) {
        ctx.sink.warning('invalid-enum', `${keyword}: '${w.text}' is not one of ${values.join(' ')}${opts.message ? ` - ${opts.message}` : ' - ignored'}`, w.loc);
        return;
      }
      (t as Rec)[field] = hit;
    },
    render: (t) => {
      const v = (t as Rec)[field];
      return v === undefined || v === opts.dflt ? [] : [line(keyword, v as string)];
    },
  };
}

/** Serializes a statement's words and block for `extra` (block lines are framed by '{' and '}'). */
export function stmtWords(stmt: Stmt): string[] {
  const out = stmt.args.map((a) => a.text);
  if (stmt.children) {
    out.push('{');
    for (const c of stmt.children) out.push('\n', c.keyword.text, ...stmtWords(c));
    out.push('\n', '}');
  }
  return out;
}

function wordsToLines(words: string[]): { words: string[]; children?: RenderLine[] } {
  const open = words.indexOf('{');
  if (open < 0) return { words };
  const head = words.slice(0, open);
  const children: RenderLine[] = [];
  let depth = 0;
  let cur: string[] = [];
  const body = words.slice(open + 1, words.length - 1);
  for (const w of body) {
    if (w === '{') depth++;
    if (w === '}') depth--;
    if (w === '\n' && depth === 0) {
      if (cur.length) children.push(toLine(cur));
      cur = [];
      continue;
    }
    cur.push(w);
  }
  if (cur.length) children.push(toLine(cur));
  return { words: head, children };
}

function toLine(ws: string[]): RenderLine {
  const [kw, ...rest] = ws;
  const inner = wordsToLines(rest);
  return inner.children ? { words: [kw!, ...inner.words], children: inner.children } : { words: [kw!, ...inner.words] };
}

/** A keyword keepalived accepts that ka-ts keeps verbatim in `extra`. */
export function raw<T extends { extra: ExtraKeywords }>(keyword: string, block = false): KeywordSpec<T> {
  return {
    keyword,
    ...(block ? { block: true } : {}),
    handle(_ctx, stmt, t) {
      (t.extra[keyword] ??= []).push(stmtWords(stmt));
    },
    render: (t) => (t.extra[keyword] ?? []).map((ws) => toLine([keyword, ...ws])),
  };
}

// ---------------------------------------------------------------------------------------------
// the walker

export interface ApplyOptions {
  /** Name of the block for messages ("vrrp_instance VI_1"); a function when costly to build. */
  where: string | (() => string);
}

const whereText = (o: ApplyOptions): string => (typeof o.where === 'string' ? o.where : o.where());

export function indexTable<T>(table: Table<T>): Map<string, { spec: KeywordSpec<T>; warn?: string }> {
  const m = new Map<string, { spec: KeywordSpec<T>; warn?: string }>();
  for (const spec of table) {
    m.set(spec.keyword, { spec });
    for (const a of spec.aliases ?? []) m.set(a.name, a.warn ? { spec, warn: a.warn } : { spec });
  }
  return m;
}

const indexCache = new WeakMap<object, Map<string, { spec: KeywordSpec<unknown>; warn?: string }>>();

/** Applies the statements of one block to `target` through `table`. */
export function applyTable<T>(ctx: ParseCtx, table: Table<T>, stmts: readonly Stmt[], target: T, opts: ApplyOptions): void {
  let idx = indexCache.get(table) as Map<string, { spec: KeywordSpec<T>; warn?: string }> | undefined;
  if (!idx) {
    idx = indexTable(table);
    indexCache.set(table, idx as Map<string, { spec: KeywordSpec<unknown>; warn?: string }>);
  }
  for (const stmt of stmts) {
    if (ctx.stopped) return;
    const kw = stmt.keyword.text;
    const hit = idx.get(kw);
    if (!hit) {
      ctx.sink.warning('unknown-keyword', `unknown keyword '${kw}' in ${whereText(opts)}${stmt.children ? ' (its block is skipped)' : ''}`, stmt.keyword.loc);
      continue;
    }
    if (hit.warn) ctx.sink.warning('deprecated-keyword', hit.warn, stmt.keyword.loc);
    if (hit.spec.block && !stmt.children) {
      ctx.sink.warning('missing-block', `'${kw}' must be followed by a '{ ... }' block - ignored`, stmt.keyword.loc);
      continue;
    }
    if (!hit.spec.block && stmt.children) {
      // keepalived ignores the '{' and reads the lines inside as if they were at this level.
      ctx.sink.warning('unexpected-brace', `'${kw}' does not take a block: '{' ignored and its lines read as part of ${whereText(opts)}`, stmt.openLoc ?? stmt.keyword.loc);
      hit.spec.handle(ctx, { keyword: stmt.keyword, args: stmt.args }, target);
      applyTable(ctx, table, stmt.children, target, opts);
      continue;
    }
    hit.spec.handle(ctx, stmt, target);
  }
}

export function renderTable<T>(table: Table<T>, target: T): RenderLine[] {
  const out: RenderLine[] = [];
  for (const spec of table) out.push(...spec.render(target));
  return out;
}
