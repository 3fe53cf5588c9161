// Checker blocks inside real_server (keepalived 2.2.7 check/check_{tcp,http,misc,ping,udp,dns,smtp}.c
// and check_api.c for the keywords every checker shares).
import type { Checker, CheckerCommon, CheckerType, HttpCheck, HttpUrl, MiscCheck, ScriptUser, SourceLoc } from '../../src/config/model.js';
import { parseStatusCodes, StatusCodeError } from '../../src/check/defaults.js';
import { familyOf } from '../addresses.js';
import { applyTable, enumOf, flag, int, line, needArgs, parseNumber, raw, seconds, str, type KeywordSpec, type ParseCtx, type Table } from '../keyword-table.js';
import type { Stmt } from '../tree.js';

type AnyChecker = Checker & Record<string, unknown>;

/** keepalived's limits: checker timers are 32-bit microseconds, delay_loop 64-bit. */
export const MAX_TIMER_S = 4294.967295;
export const MAX_DELAY_LOOP_S = 18446744073709.551614;
/** The query types keepalived's DNS_CHECK knows. */
export const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'] as const;

function ipSpec<T extends CheckerCommon>(keyword: string, field: 'connectIp' | 'bindto'): KeywordSpec<T> {
  return {
    keyword,
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      const a = stmt.args[0]!;
      if (!familyOf(a.text)) ctx.sink.warning('invalid-address', `${keyword}: '${a.text}' is not an IP address - ignored`, a.loc);
      else t[field] = a.text;
    },
    render: (t) => (t[field] === undefined ? [] : [line(keyword, t[field]!)]),
  };
}

function commonSpecs<T extends CheckerCommon>(): KeywordSpec<T>[] {
  return [
    ipSpec<T>('connect_ip', 'connectIp'),
    int('connect_port', 'connectPort', 0, 65535),
    ipSpec<T>('bindto', 'bindto'),
    int('bind_port', 'bindPort', 0, 65535),
    str('bind_if', 'bindIf'),
    int('fwmark', 'fwmark', 0, 0xffffffff),
    seconds('connect_timeout', 'connectTimeoutMs', 0.000001, MAX_TIMER_S),
    int('retry', 'retry', 0, 65535),
    seconds('delay_before_retry', 'delayBeforeRetryMs', 0, MAX_TIMER_S),
    seconds('warmup', 'warmupMs', 0, MAX_TIMER_S),
    seconds('delay_loop', 'delayLoopMs', 0.000001, MAX_DELAY_LOOP_S),
    flag('alpha', 'alpha', undefined),
    raw<T>('log_all_failures'),
  ];
}

const nbGetRetry = <T extends CheckerCommon>(): KeywordSpec<T> => ({
  keyword: 'nb_get_retry',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    ctx.sink.warning('deprecated-keyword', "nb_get_retry is deprecated - use 'retry'", stmt.keyword.loc);
    const n = parseNumber(ctx, stmt.args[0]!, 0, 65535, true, 'nb_get_retry');
    if (n !== undefined) t.retry = n;
  },
  // Rendered through `retry`.
  render: () => [],
});

/** The PCRE2 option names keepalived's regex_options takes (check_http.c regex_options[]). */
export const REGEX_OPTIONS = [
  'allow_empty_class', 'alt_bsux', 'auto_callout', 'caseless', 'dollar_endonly', 'dotall', 'dupnames', 'extended',
  'firstline', 'match_unset_backref', 'multiline', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess',
  'no_dotstar_anchor', 'no_start_optimize', 'ucp', 'ungreedy', 'utf', 'never_backslash_c', 'alt_circumflex',
  'alt_verbnames', 'use_offset_limit',
];

function parseUrl(ctx: ParseCtx, stmt: Stmt, loc: SourceLoc): HttpUrl | undefined {
  const url: HttpUrl = { path: '', statusCode: [], loc };
  let hasPath = false;
  for (const c of stmt.children ?? []) {
    if (ctx.stopped) return undefined;
    const k = c.keyword.text;
    if (k === 'path') { if (!needArgs(ctx, c, 1)) return undefined; url.path = c.args[0]!.text; hasPath = true; }
    else if (k === 'digest') {
      if (!needArgs(ctx, c, 1)) return undefined;
      const d = c.args[0]!.text;
      // An MD5 digest: 32 hex digits (keepalived rejects any other length).
      if (!/^[0-9a-fA-F]{32}$/.test(d)) ctx.sink.warning('invalid-digest', `digest '${d}' must be 32 hex digits (an MD5 sum) - ignored`, c.args[0]!.loc);
      else url.digest = d.toLowerCase();
    }
    else if (k === 'status_code') {
      if (!needArgs(ctx, c, 1)) return undefined;
      try {
        url.statusCode.push(...parseStatusCodes(c.args.map((a) => a.text)));
      } catch (err) {
        if (!(err instanceof StatusCodeError)) throw err;
        ctx.sink.warning('status-code', err.message, c.args[0]!.loc);
      }
    } else if (k === 'virtualhost') { if (!needArgs(ctx, c, 1)) return undefined; url.virtualhost = c.args[0]!.text; }
    else if (k === 'regex') { if (!needArgs(ctx, c, 1)) return undefined; url.regex = c.args.map((a) => a.text).join(' '); }
    else if (k === 'regex_no_match') url.regexNoMatch = true;
    else if (k === 'regex_options') {
      if (!needArgs(ctx, c, 1)) return undefined;
      for (const a of c.args) {
        // keepalived: "Unknown regex option" is a configuration error and the option is skipped.
        if (REGEX_OPTIONS.includes(a.text)) (url.regexOptions ??= []).push(a.text);
        else ctx.sink.warning('regex-option', `unknown regex option '${a.text}' - ignored`, a.loc);
      }
    } else if (k === 'regex_min_offset' || k === 'regex_max_offset') {
      if (!needArgs(ctx, c, 1)) return undefined;
      const n = parseNumber(ctx, c.args[0]!, 0, 0xffffffff, true, k);
      if (n !== undefined && k === 'regex_min_offset') url.regexMinOffset = n;
      else if (n !== undefined) url.regexMaxOffset = n;
    } else if (k === 'regex_stack') {
      if (!needArgs(ctx, c, 2)) return undefined;
      const a = parseNumber(ctx, c.args[0]!, 0, 0xffffffff, true, 'regex_stack start');
      const b = parseNumber(ctx, c.args[1]!, 0, 0xffffffff, true, 'regex_stack max');
      if (a !== undefined && b !== undefined) url.regexStack = [a, b];
    }
    else ctx.sink.warning('unknown-keyword', `unknown keyword '${k}' in url block`, c.keyword.loc);
  }
  if (!hasPath) {
    ctx.sink.warning('url-no-path', 'url block without a path - url ignored', loc);
    return undefined;
  }
  return url;
}

function renderUrl(u: HttpUrl) {
  const kids = [line('path', u.path)];
  if (u.digest) kids.push(line('digest', u.digest));
  if (u.statusCode.length) kids.push(line('status_code', ...u.statusCode.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`))));
  if (u.virtualhost !== undefined) kids.push(line('virtualhost', u.virtualhost));
  if (u.regex !== undefined) kids.push(line('regex', u.regex));
  if (u.regexNoMatch) kids.push(line('regex_no_match'));
  if (u.regexOptions?.length) kids.push(line('regex_options', ...u.regexOptions));
  if (u.regexMinOffset !== undefined) kids.push(line('regex_min_offset', u.regexMinOffset));
  if (u.regexMaxOffset !== undefined) kids.push(line('regex_max_offset', u.regexMaxOffset));
  if (u.regexStack) kids.push(line('regex_stack', ...u.regexStack));
  return { words: ['url'], children: kids };
}

const urlSpec: KeywordSpec<HttpCheck> = {
  keyword: 'url',
  block: true,
  handle(ctx, stmt, t) {
    const u = parseUrl(ctx, stmt, stmt.keyword.loc);
    if (u) t.urls.push(u);
  },
  render: (t) => t.urls.map(renderUrl),
};

const HTTP_TABLE: Table<HttpCheck> = [
  ...commonSpecs<HttpCheck>(),
  nbGetRetry<HttpCheck>(),
  urlSpec,
  str('virtualhost', 'virtualhost'),
  {
    keyword: 'http_protocol',
    handle(ctx, stmt, t) {
      if (!needArgs(ctx, stmt, 1)) return;
      const v = stmt.args[0]!.text;
      if (['1.0', '1.0C', '1.0c', '1.1'].includes(v)) t.httpProtocol = v.toUpperCase();
      else ctx.sink.warning('http-protocol', `http_protocol '${v}' is not 1.0, 1.0C or 1.1 - ignored`, stmt.args[0]!.loc);
    },
    render: (t) => (t.httpProtocol ? [line('http_protocol', t.httpProtocol)] : []),
  },
  flag('enable_sni', 'enableSni', undefined),
  raw<HttpCheck>('fast_recovery'),
];

const userSpec: KeywordSpec<MiscCheck> = {
  keyword: 'user',
  handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const u: ScriptUser = stmt.args[1] ? { user: stmt.args[0]!.text, group: stmt.args[1].text } : { user: stmt.args[0]!.text };
    t.user = u;
  },
  render: (t) => (t.user ? [t.user.group ? line('user', t.user.user, t.user.group) : line('user', t.user.user)] : []),
};

const MISC_TABLE: Table<MiscCheck> = [
  ...commonSpecs<MiscCheck>(),
  str('misc_path', 'miscPath', true),
  seconds('misc_timeout', 'miscTimeoutMs', 0.000001, MAX_TIMER_S),
  flag('misc_dynamic', 'miscDynamic'),
  userSpec,
];

const TABLES: Record<CheckerType, Table<AnyChecker>> = {
  TCP_CHECK: commonSpecs<AnyChecker>(),
  HTTP_GET: HTTP_TABLE as unknown as Table<AnyChecker>,
  SSL_GET: HTTP_TABLE as unknown as Table<AnyChecker>,
  MISC_CHECK: MISC_TABLE as unknown as Table<AnyChecker>,
  PING_CHECK: commonSpecs<AnyChecker>(),
  UDP_CHECK: [
    ...commonSpecs<AnyChecker>(),
    str('payload', 'payload'),
    str('require_reply', 'requireReply'),
    int('min_reply_length', 'minReplyLength', 0, 65535, 0),
    int('max_reply_length', 'maxReplyLength', 0, 65535, 255),
  ],
  DNS_CHECK: [...commonSpecs<AnyChecker>(), { ...enumOf<AnyChecker>('type', 'dnsType', DNS_TYPES, { ignoreCase: true }), handle(ctx, stmt, t) {
    if (!needArgs(ctx, stmt, 1)) return;
    const v = stmt.args[0]!.text.toUpperCase();
    if ((DNS_TYPES as readonly string[]).includes(v)) t.dnsType = v;
    else ctx.sink.warning('invalid-dns-type', `DNS_CHECK type '${stmt.args[0]!.text}' is not one of ${DNS_TYPES.join(' ')} - ignored`, stmt.args[0]!.loc);
  } }, str('name', 'name')],
  SMTP_CHECK: [...commonSpecs<AnyChecker>(), str('helo_name', 'heloName'), raw<AnyChecker>('host', true)],
};

export const CHECKER_TYPES = Object.keys(TABLES) as CheckerType[];

export function newChecker(type: CheckerType, loc: SourceLoc): Checker {
  const base = { loc, extra: {} };
  switch (type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { type, urls: [], ...base };
    case 'MISC_CHECK':
      return { type, miscDynamic: false, ...base };
    case 'UDP_CHECK':
      return { type, minReplyLength: 0, maxReplyLength: 255, ...base };
    case 'DNS_CHECK':
      return { type, dnsType: 'SOA', name: '.', ...base };
    case 'SMTP_CHECK':
      return { type, heloName: 'smtpchecker.keepalived.org', ...base };
    default:
      return { type, ...base };
  }
}

export function parseChecker(ctx: ParseCtx, type: CheckerType, stmt: Stmt, where: string): Checker {
  const c = newChecker(type, stmt.keyword.loc) as AnyChecker;
  applyTable(ctx, TABLES[type], stmt.children ?? [], c, { where: () => `${type} of ${where}` });
  return c;
}

export function checkerTable(type: CheckerType): Table<AnyChecker> {
  return TABLES[type];
}

/** Rendering defaults that are type-specific (dns type/name, smtp helo) are skipped. */
export function renderCheckerBody(c: Checker): ReturnType<Table<AnyChecker>[number]['render']> {
  const a = c as AnyChecker;
  const out = [];
  for (const spec of TABLES[c.type]) {
    const lines = spec.render(a);
    if (c.type === 'DNS_CHECK' && ((spec.keyword === 'type' && c.dnsType === 'SOA') || (spec.keyword === 'name' && c.name === '.'))) continue;
    if (c.type === 'SMTP_CHECK' && spec.keyword === 'helo_name' && c.heloName === 'smtpchecker.keepalived.org') continue;
    out.push(...lines);
  }
  return out;
}
