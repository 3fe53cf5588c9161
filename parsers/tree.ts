// Turns logical lines into a statement tree: a statement is a keyword, its argument words and,
// when a `{` follows (on the same line or alone on the next line), its child statements up to
// the matching `}`. Stray braces become located diagnostics, worded as keepalived words them.
// TreeBuilder is incremental: each top-level statement is handed over as soon as it is complete,
// so a 10,000-virtual-server file never holds all its tokens at once.
import type { SourceLoc } from '../src/config/model.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { Token } from './lexer.js';
import type { LogicalLine } from './preprocess.js';

export interface Stmt {
  keyword: Token;
  args: Token[];
  /** Present when the statement opened a block. */
  children?: Stmt[];
  /** Where the block's `{` was. */
  openLoc?: SourceLoc;
}

const isOpen = (t: Token): boolean => t.text === '{' && !t.quoted;
const isClose = (t: Token): boolean => t.text === '}' && !t.quoted;

export class TreeBuilder {
  private readonly stack: Stmt[][] = [[]];
  private readonly openers: Stmt[] = [];
  /** The last top-level statement: complete once another one starts (a `{` may still follow). */
  private pending: Stmt | undefined;

  constructor(private readonly sink: DiagnosticSink, private readonly onTopLevel: (s: Stmt) => void) {}

  push(line: LogicalLine): void {
    let current: Stmt | undefined;
    let atLineStart = true;
    const toks = line.tokens;
    for (let i = 0; i < toks.length; i++) {
      const tok = toks[i]!;
      const level = this.stack[this.stack.length - 1]!;
      if (isOpen(tok)) {
        // `{` alone at the start of a line opens the block of the previous statement.
        const target = current ?? (atLineStart ? (this.stack.length === 1 ? this.pending : level[level.length - 1]) : undefined);
        if (target && !target.children) {
          target.children = [];
          target.openLoc = tok.loc;
          this.stack.push(target.children);
          this.openers.push(target);
        } else {
          this.sink.warning('unexpected-brace', "unexpected '{' (no keyword before it) - ignoring", tok.loc);
        }
        current = undefined;
        atLineStart = false;
        continue;
      }
      if (isClose(tok)) {
        if (this.stack.length > 1) {
          this.stack.pop();
          this.openers.pop();
        } else {
          this.sink.warning('extra-brace', "extra '}' with no open block - ignoring", tok.loc);
        }
        current = undefined;
        atLineStart = false;
        continue;
      }
      if (current) current.args.push(tok);
      else {
        // The words up to the next brace are the arguments: taken in one slice (most lines are
        // `keyword value`), not pushed one by one.
        let end = i + 1;
        while (end < toks.length && !isOpen(toks[end]!) && !isClose(toks[end]!)) end++;
        current = { keyword: tok, args: toks.slice(i + 1, end) };
        i = end - 1;
        if (this.stack.length === 1) {
          if (this.pending) this.onTopLevel(this.pending);
          this.pending = current;
        } else level.push(current);
      }
      atLineStart = false;
    }
  }

  end(): void {
    for (const s of this.openers) {
      this.sink.warning('unclosed-block', `block '${s.keyword.text}' opened here is never closed with '}'`, s.openLoc ?? s.keyword.loc);
    }
    if (this.pending) this.onTopLevel(this.pending);
    this.pending = undefined;
  }
}

export function buildTree(lines: readonly LogicalLine[], sink: DiagnosticSink): Stmt[] {
  const root: Stmt[] = [];
  const b = new TreeBuilder(sink, (s) => root.push(s));
  for (const l of lines) b.push(l);
  b.end();
  return root;
}
