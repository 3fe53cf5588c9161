// HTTP_GET / SSL_GET url `regex`: keepalived matches the response body with PCRE2 (8-bit, byte
// offsets); ka-ts with a JavaScript RegExp over the body read as latin1 (one character per byte,
// so offsets are byte offsets), or as UTF-8 with `regex_options utf`. What the two engines share
// covers the usual health-page patterns; a pattern or an option JavaScript cannot express is
// reported at configuration time, never silently matched differently.

/** A url's body match, ready to run (kept as text: specs are compared as JSON across reloads). */
export interface BodyRegexSpec {
  source: string;
  /** JavaScript flags from regex_options (i, m, s, u). */
  flags: string;
  /** regex_no_match: the check passes when the body does not match. */
  noMatch: boolean;
  /** regex_min_offset: the match is looked for from this offset of the body on. */
  minOffset: number;
  /** regex_max_offset: a match must start at or before this offset. */
  maxOffset?: number;
}

/** PCRE2 options with a JavaScript flag. */
const FLAG_OF: Readonly<Record<string, string>> = { caseless: 'i', multiline: 'm', dotall: 's', utf: 'u' };
/** PCRE2 options that change nothing about whether a body matches (optimisation, debugging, capture naming). */
const NO_EFFECT = new Set(['auto_callout', 'dupnames', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess', 'no_dotstar_anchor', 'no_start_optimize', 'use_offset_limit']);

export interface BodyRegexInput {
  regex: string;
  regexNoMatch?: boolean;
  regexOptions?: string[];
  regexMinOffset?: number;
  regexMaxOffset?: number;
}

export interface BodyRegexResult {
  spec?: BodyRegexSpec;
  /** regex_options JavaScript has no equivalent for: accepted and ignored. */
  ignoredOptions: string[];
  /** Set when the pattern is not a valid JavaScript regular expression (the url cannot be checked). */
  error?: string;
}

export function bodyRegex(u: BodyRegexInput): BodyRegexResult {
  let flags = '';
  const ignoredOptions: string[] = [];
  for (const o of u.regexOptions ?? []) {
    const f = FLAG_OF[o];
    if (f !== undefined) { if (!flags.includes(f)) flags += f; } else if (!NO_EFFECT.has(o)) ignoredOptions.push(o);
  }
  try {
    new RegExp(u.regex, flags);
  } catch (err) {
    return { ignoredOptions, error: (err as Error).message };
  }
  const spec: BodyRegexSpec = { source: u.regex, flags, noMatch: u.regexNoMatch === true, minOffset: u.regexMinOffset ?? 0 };
  if (u.regexMaxOffset !== undefined) spec.maxOffset = u.regexMaxOffset;
  return { spec, ignoredOptions };
}

const compiled = new Map<string, RegExp>();

/** Whether `body` matches, as keepalived's check_regex decides it (regex_no_match is the caller's). */
export function bodyMatches(r: BodyRegexSpec, body: Buffer): boolean {
  const key = `${r.flags}/${r.source}`;
  let re = compiled.get(key);
  if (!re) {
    // Sticky-free global search from lastIndex: the first match at or after minOffset is the
    // leftmost one, so no match at or before maxOffset exists if it starts later.
    re = new RegExp(r.source, `${r.flags}g`);
    compiled.set(key, re);
  }
  const text = body.toString(r.flags.includes('u') ? 'utf8' : 'latin1');
  re.lastIndex = r.minOffset;
  const m = re.exec(text);
  return m !== null && (r.maxOffset === undefined || m.index <= r.maxOffset);
}
