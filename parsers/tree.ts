// Turns logical lines into a statement tree: a statement is a keyword, its argument words and,
// when a `{` follows (on the same line or alone on the next line), its child statements up to
// the matching `}`. Stray braces become located diagnostics, worded as keepalived words them.
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

export function buildTree(lines: readonly LogicalLine[], sink: DiagnosticSink): Stmt[] {
  const root: Stmt[] = [];
  const stack: Stmt[][] = [root];
  const openers: Stmt[] = [];
  for (const line of lines) {
    let current: Stmt | undefined;
    let atLineStart = true;
    for (const tok of line.tokens) {
      const level = stack[stack.length - 1]!;
      if (isOpen(tok)) {
        // `{` alone at the start of a line opens the block of the previous statement.
        const target = current ?? (atLineStart ? level[level.length - 1] : undefined);
        if (target && !target.children) {
          target.children = [];
          target.openLoc = tok.loc;
          stack.push(target.children);
          openers.push(target);
        } else {
          sink.warning('unexpected-brace', "unexpected '{' (no keyword before it) - ignoring", tok.loc);
        }
        current = undefined;
        atLineStart = false;
        continue;
      }
      if (isClose(tok)) {
        if (stack.length > 1) {
          stack.pop();
          openers.pop();
        } else {
          sink.warning('extra-brace', "extra '}' with no open block - ignoring", tok.loc);
        }
        current = undefined;
        atLineStart = false;
        continue;
      }
      if (current) current.args.push(tok);
      else {
        current = { keyword: tok, args: [] };
        level.push(current);
      }
      atLineStart = false;
    }
  }
  for (const s of openers) {
    sink.warning('unclosed-block', `block '${s.keyword.text}' opened here is never closed with '}'`, s.openLoc ?? s.keyword.loc);
  }
  return root;
}
