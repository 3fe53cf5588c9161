// Splits one keepalived.conf line into words, as keepalived's lib/parser.c alloc_strvec does:
// whitespace separates words; `{` and `}` are words of their own even when glued to others;
// `#` or `!` at the start of a word starts a comment; "..." and '...' quote (the quotes are removed,
// inner whitespace kept, adjacent quoted/unquoted parts join into one word); inside quotes the
// shell-like escapes \a \b \E \f \n \r \t \v \nnn \xXX \cC and \C are decoded.
import type { SourceLoc } from '../src/config/model.js';

/**
 * One word. The location is kept flat (one object per token: big configurations have hundreds of
 * thousands of them) and `loc` builds a fresh SourceLoc when asked for one.
 */
export class Token {
  constructor(
    readonly text: string,
    readonly file: string,
    readonly line: number,
    readonly col: number,
    /** Some part of the word was quoted (a quoted "{" is not a brace). */
    readonly quoted: boolean,
  ) {}

  get loc(): SourceLoc {
    return { file: this.file, line: this.line, col: this.col };
  }
}

export class UnterminatedQuoteError extends Error {
  override readonly name = 'UnterminatedQuoteError';
  constructor(readonly loc: SourceLoc) {
    super('unterminated quoted string');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Decodes the escape starting after the backslash at `i`; returns [text, next index]. */
function decodeEscape(s: string, i: number): [string, number] {
  const c = s[i];
  if (c === undefined) return ['\\', i];
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, i + 1];
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
    return [String.fromCharCode(parseInt(m, 8) & 0xff), i + m.length];
  }
  if (c === 'x') {
    const m = /^[0-9a-fA-F]+/.exec(s.slice(i + 1));
    if (!m) return ['x', i + 1];
    return [String.fromCharCode(parseInt(m[0].slice(-2), 16)), i + 1 + m[0].length];
  }
  if (c === 'c' && i + 1 < s.length) return [String.fromCharCode(s.charCodeAt(i + 1) & 0x1f), i + 2];
  return [c, i + 1];
}

/**
 * Tokenizes `line` (no newline). `file`/`lineNo` locate the tokens; `colBase` is added to
 * columns when the text is a part of a physical line (after a `@id` prefix, for example).
 * An unterminated quote ends at the end of the line (keepalived does the same) and is reported
 * through `onUnterminated`.
 */
export function tokenizeLine(line: string, file: string, lineNo: number, colBase = 0, onUnterminated?: (loc: SourceLoc) => void): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    if (ch === '#' || ch === '!') break;
    const col = colBase + i + 1;
    if (ch === '{' || ch === '}') {
      out.push(new Token(ch, file, lineNo, col, false));
      i++;
      continue;
    }
    let text = '';
    let quoted = false;
    while (i < n) {
      // Fast path: copy a run of plain characters in one slice (keeps big configs cheap).
      const runStart = i;
      while (i < n) {
        const k = line.charCodeAt(i);
        // space, tab, CR, ", ', \, {, }
        if (k === 32 || k === 9 || k === 13 || k === 34 || k === 39 || k === 123 || k === 125) break;
        i++;
      }
      if (i > runStart) text += line.slice(runStart, i);
      if (i >= n) break;
      const c = line[i]!;
      if (c === '"' || c === "'") {
        quoted = true;
        const q = c;
        i++;
        let closed = false;
        while (i < n) {
          const d = line[i]!;
          if (d === q) {
            closed = true;
            i++;
            break;
          }
          if (d === '\\') {
            const [t, next] = decodeEscape(line, i + 1);
            text += t;
            i = next;
            continue;
          }
          text += d;
          i++;
        }
        if (!closed) onUnterminated?.({ file, line: lineNo, col });
        continue;
      }
      // A comment character inside a word (a password, a URL fragment) is part of the word.
      if (c === ' ' || c === '\t' || c === '\r' || c === '{' || c === '}') break;
      text += c;
      i++;
    }
    out.push(new Token(text, file, lineNo, col, quoted));
  }
  return out;
}
