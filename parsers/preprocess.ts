// keepalived's line preprocessing (lib/parser.c read_line and friends), applied in keepalived's
// order to each physical line:
//   1. `include PATTERN` (and includer/includem/includew/includeb/includea): glob relative to
//      the including file's directory, files read in sorted order, cycles reported;
//   2. `@ID line` keeps the line only when ID is the config id, `@^ID line` only when it is not;
//   3. `$NAME=value` defines NAME (a value ending in `\` continues on the next line, making a
//      multi-line definition); `$NAME` / `${NAME}` elsewhere are replaced by the value;
//   4. `~SEQ(VAR, [START,] [STEP,] END) rest` repeats `rest` with $VAR (and ${VAR}) set to each
//      value of the sequence;
// then the line is split into words (lexer.ts). The result is a flat list of logical lines.
// File access is injected so the preprocessor stays pure and testable.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourceLoc } from '../src/config/model.js';
import { DiagnosticSink } from './diagnostics.js';
import { tokenizeLine, type Token } from './lexer.js';

export interface LogicalLine {
  tokens: Token[];
}

export interface SourceAccess {
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** Absolute paths matching an absolute glob pattern, sorted. */
  glob(pattern: string): string[];
}

export interface PreprocessOptions {
  configId: string;
  access: SourceAccess;
}

const INCLUDE_KEYWORDS = new Set(['include', 'includer', 'includem', 'includew', 'includeb', 'includea']);
const MAX_SEQ_ITEMS = 100_000;
const MAX_SUBSTITUTION_ROUNDS = 20;

/**
 * No `$`, `@` or `~` anywhere and no include keyword first: the line is only words. (An `include`
 * further along the line is not a directive; the slow path below handles it the same way.)
 */
function plainLine(raw: string): boolean {
  let first = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 36 || c === 64 || c === 126) return false; // $ @ ~
    if (first < 0 && c !== 32 && c !== 9) first = i;
  }
  return first < 0 || !raw.startsWith('include', first);
}

class Preprocessor {
  readonly lines: LogicalLine[] = [];
  /** When set, lines go here as they are produced instead of being kept (big configs stream). */
  onLine: ((line: LogicalLine) => void) | undefined;
  private readonly defs = new Map<string, string>();
  private readonly stack: string[] = [];

  /** Made once: a closure per line would be 400,000 allocations on a big file. */
  private readonly onUnterminated = (loc: SourceLoc): void => this.sink.warning('unterminated-quote', 'unterminated quoted string (closed at the end of the line)', loc);

  constructor(private readonly opts: PreprocessOptions, private readonly sink: DiagnosticSink) {}

  processFile(path: string, from?: SourceLoc): boolean {
    if (this.stack.includes(path)) {
      // keepalived recurses until it runs out of file descriptors, then skips the file and still
      // exits 0: report the cycle plainly without changing that verdict.
      this.sink.warning('include-cycle', `include cycle: ${[...this.stack.slice(this.stack.indexOf(path)), path].join(' -> ')} - not followed`, from, 0);
      return true;
    }
    const text = this.opts.access.readFile(path);
    if (text === undefined) return false;
    this.stack.push(path);
    // Lines are cut one at a time (no split of the whole file): each dies as soon as it is
    // processed, which keeps the garbage collector cheap on very large files.
    let pos = 0;
    let lineNo = 0;
    const next = (): string | undefined => {
      if (pos > text.length) return undefined;
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end);
      pos = end + 1;
      lineNo++;
      return line;
    };
    for (let raw = next(); raw !== undefined; raw = next()) {
      // A definition continued with a trailing backslash swallows the following lines.
      const def = raw.includes('$') ? /^\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(raw) : null;
      if (def) {
        let value = def[2]!.trim();
        while (value.endsWith('\\')) {
          const more = next();
          if (more === undefined) break;
          value = value.slice(0, -1).trimEnd() + '\n' + more.trim();
        }
        this.defs.set(def[1]!, value);
        continue;
      }
      this.processLine(raw, path, lineNo, 0);
    }
    this.stack.pop();
    return true;
  }

  private emit(line: LogicalLine): void {
    if (this.onLine) this.onLine(line);
    else this.lines.push(line);
  }

  private processLine(raw: string, file: string, lineNo: number, colBase: number): void {
    // Fast path for the common line: nothing for the preprocessor to do.
    if (plainLine(raw)) {
      const toks = tokenizeLine(raw, file, lineNo, colBase, this.onUnterminated);
      if (toks.length > 0) this.emit({ tokens: toks });
      return;
    }
    const lead = /^\s*/.exec(raw)![0].length;
    const rest = raw.slice(lead);
    // include detection happens before conditionals and substitution, as in keepalived.
    const inc = /^(include[rmwba]?)\s+(.*)$/.exec(rest);
    if (inc && INCLUDE_KEYWORDS.has(inc[1]!)) {
      const loc: SourceLoc = { file, line: lineNo, col: colBase + lead + 1 };
      const toks = tokenizeLine(inc[2]!, file, lineNo, colBase + lead + inc[1]!.length + 1);
      if (toks.length === 0) {
        this.sink.error('include-missing-file', `'${inc[1]}' needs a file name or pattern`, loc);
        return;
      }
      for (const t of toks) this.include(t.text, inc[1]!, file, t.loc);
      return;
    }
    if (rest.startsWith('@')) {
      const m = /^@(\^?)(\S+)\s*(.*)$/.exec(rest);
      if (!m) return;
      const matches = m[2] === this.opts.configId;
      if ((m[1] === '^') === matches) return;
      const bodyStart = raw.length - m[3]!.length;
      this.processLine(' '.repeat(bodyStart) + m[3]!, file, lineNo, colBase);
      return;
    }
    // A definition can also come out of a conditional line or a ~SEQ body.
    const def = /^\$([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(rest);
    if (def) {
      this.defs.set(def[1]!, def[2]!.trim());
      return;
    }
    let text = raw;
    if (text.includes('$')) text = this.substitute(text, { file, line: lineNo, col: colBase + lead + 1 });
    const pieces = text.split('\n');
    for (const piece of pieces) {
      const seq = /^(\s*)~SEQ\(([^)]*)\)(.*)$/.exec(piece);
      if (seq) {
        this.expandSeq(seq[2]!, seq[3]!, file, lineNo, colBase + seq[1]!.length + seq[2]!.length + 6);
        continue;
      }
      const toks = tokenizeLine(piece, file, lineNo, colBase, this.onUnterminated);
      if (toks.length > 0) this.emit({ tokens: toks });
    }
  }

  private substitute(text: string, loc: SourceLoc): string {
    let out = text;
    for (let round = 0; round < MAX_SUBSTITUTION_ROUNDS && out.includes('$'); round++) {
      let changed = false;
      out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare!;
        const v = this.defs.get(name);
        if (v === undefined) return whole;
        changed = true;
        return v;
      });
      if (!changed) return out;
    }
    if (/\$\{?[A-Za-z_]/.test(out) && [...this.defs.keys()].some((k) => out.includes('$' + k) || out.includes('${' + k + '}'))) {
      this.sink.error('definition-recursion', `definitions nest more than ${MAX_SUBSTITUTION_ROUNDS} deep (recursive $NAME?)`, loc);
    }
    return out;
  }

  private expandSeq(argText: string, body: string, file: string, lineNo: number, colBase: number): void {
    const loc: SourceLoc = { file, line: lineNo, col: colBase };
    const parts = argText.split(',').map((s) => s.trim());
    const name = parts.shift();
    const nums = parts.map(Number);
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || nums.length < 1 || nums.length > 3 || nums.some((x) => !Number.isInteger(x))) {
      this.sink.error('seq-syntax', `~SEQ needs (VAR, END), (VAR, START, END) or (VAR, START, STEP, END) with integers, got (${argText})`, loc);
      return;
    }
    const [start, step, end] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
    if (step === 0 || (end - start) / step + 1 > MAX_SEQ_ITEMS) {
      this.sink.error('seq-range', `~SEQ(${argText}) does not end or is longer than ${MAX_SEQ_ITEMS} items`, loc);
      return;
    }
    const saved = this.defs.get(name);
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      this.defs.set(name, String(v));
      this.processLine(' '.repeat(colBase) + body, file, lineNo, 0);
    }
    if (saved === undefined) this.defs.delete(name);
    else this.defs.set(name, saved);
  }

  private include(pattern: string, kind: string, fromFile: string, loc: SourceLoc): void {
    const abs = isAbsolute(pattern) ? pattern : resolve(dirname(fromFile), pattern);
    const files = this.opts.access.glob(abs);
    if (files.length === 0) {
      // Plain `include` tolerates no match (keepalived: "does not produce config errors").
      if (kind === 'include') this.sink.warning('include-no-match', `include '${pattern}' matches no file`, loc, 0);
      // The checking variants fail the config test with keepalived's code 6 when nothing matches.
      else this.sink.error('include-no-match', `${kind} '${pattern}' matches no file`, loc, 6);
      return;
    }
    for (const f of files) {
      if (!this.processFile(f, loc)) this.sink.error('include-unreadable', `cannot read included file ${f}`, loc);
    }
  }
}

export interface PreprocessResult {
  lines: LogicalLine[];
  /** false when the top-level file could not be read. */
  found: boolean;
}

export function preprocess(file: string, opts: PreprocessOptions, sink: DiagnosticSink, onLine?: (line: LogicalLine) => void): PreprocessResult {
  const pp = new Preprocessor(opts, sink);
  pp.onLine = onLine;
  const found = pp.processFile(file);
  return { lines: pp.lines, found };
}

/** Preprocesses text that is not on disk (tests, YAML-embedded snippets). */
export function preprocessText(file: string, text: string, opts: Omit<PreprocessOptions, 'access'> & { access?: SourceAccess }, sink: DiagnosticSink): PreprocessResult {
  const base = opts.access;
  const access: SourceAccess = {
    readFile: (p) => (p === file ? text : base?.readFile(p)),
    glob: (p) => base?.glob(p) ?? [],
  };
  return preprocess(file, { configId: opts.configId, access }, sink);
}
