// The YAML form of a keepalived configuration. It mirrors keepalived.conf's structure so that the
// same keyword tables parse, validate and locate it (diagnostics carry YAML line numbers):
//   global_defs:                       # a block is a mapping...
//     router_id: LVS_DEVEL             # ...a keyword line is `keyword: rest of the line`
//     enable_script_security: null     # a keyword without value
//   vrrp_instance VI_1:                # block keyword and its words form the key
//     virtual_ipaddress:               # data-line blocks are sequences of lines
//       - 10.0.0.1/24 dev eth0
//   virtual_server 10.0.0.1 80:
//     real_server 10.0.1.1 80:
//       HTTP_GET:
//         url:                         # a repeated keyword is a sequence of its values
//           - { path: /, status_code: 200 }
//           - { path: /health }
// Values are split into words with the keepalived.conf lexer, so quoting works the same way.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import type { KeepalivedConfig, SourceLoc } from '../src/config/model.js';
import { emptyConfig, TOP_TABLE } from './conf-parser.js';
import type { DiagnosticSink } from './diagnostics.js';
import { applyTable, type ParseCtx, type RenderLine } from './keyword-table.js';
import { tokenizeLine, type Token } from './lexer.js';
import { modelToLines, quoteWord } from './render-conf.js';
import type { Stmt } from './tree.js';

/** Blocks whose lines are data (addresses, names), not keywords: sequences in YAML. */
export const LIST_BLOCKS = new Set([
  'virtual_ipaddress', 'virtual_ipaddress_excluded', 'virtual_routes', 'virtual_rules', 'static_ipaddress', 'static_routes',
  'static_rules', 'unicast_peer', 'track_interface', 'track_script', 'track_file', 'track_process', 'notification_email',
  'group', 'virtual_server_group',
]);

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

// --------------------------------------------------------------------------------- model → YAML

const scalarOf = (words: string[]): string | number | null => {
  if (words.length === 0) return null;
  const s = words.map(quoteWord).join(' ');
  return words.length === 1 && /^-?\d+(\.\d+)?$/.test(s) && String(Number(s)) === s ? Number(s) : s;
};

function linesToYaml(lines: readonly RenderLine[]): Map<string, unknown> {
  // A Map, not an object: JavaScript orders integer-like object keys first, and the order of
  // lines matters (a raw block may hold a line "12").
  const obj = new Map<string, unknown>();
  const put = (key: string, value: unknown): void => {
    if (!obj.has(key)) obj.set(key, value);
    else if (repeated.has(obj.get(key) as object)) (obj.get(key) as unknown[]).push(value);
    else {
      const arr = [obj.get(key), value];
      repeated.add(arr);
      obj.set(key, arr);
    }
  };
  for (const l of lines) {
    if (l.children) {
      const key = l.words.map(quoteWord).join(' ');
      if (LIST_BLOCKS.has(l.words[0]!)) put(key, l.children.map((c) => c.words.map(quoteWord).join(' ')));
      else put(key, linesToYaml(l.children));
    } else put(quoteWord(l.words[0]!), scalarOf(l.words.slice(1)));
  }
  return obj;
}
/** Arrays made for repeated keywords (as opposed to a list block's own sequence). */
const repeated = new WeakSet<object>();

export function modelToYaml(cfg: KeepalivedConfig): string {
  return `# ka-ts YAML form of ${cfg.file}\n${stringify(linesToYaml(modelToLines(cfg)), { lineWidth: 0 })}`;
}

// --------------------------------------------------------------------------------- YAML → model

class YamlWalker {
  constructor(private readonly file: string, private readonly lc: LineCounter, private readonly sink: DiagnosticSink) {}

  loc(node: Node | null | undefined): SourceLoc {
    const off = node?.range?.[0] ?? 0;
    const p = this.lc.linePos(off);
    return { file: this.file, line: p.line, col: p.col };
  }

  words(text: string, loc: SourceLoc): Token[] {
    return tokenizeLine(text, this.file, loc.line, loc.col - 1);
  }

  scalarText(node: Node): string | undefined {
    if (!isScalar(node)) return undefined;
    return node.value === null ? '' : String(node.value);
  }

  /** A mapping's pairs → statements. */
  block(node: Node): Stmt[] {
    const out: Stmt[] = [];
    if (!isMap(node)) {
      this.sink.warning('yaml-shape', 'expected a mapping of keywords here', this.loc(node));
      return out;
    }
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const keyText = this.scalarText(keyNode);
      if (keyText === undefined || keyText === '') {
        this.sink.warning('yaml-shape', 'a key must be a keyword (a plain string)', this.loc(keyNode));
        continue;
      }
      const head = this.words(keyText, this.loc(keyNode));
      if (head.length === 0) continue;
      const value = pair.value as Node | null;
      const isList = LIST_BLOCKS.has(head[0]!.text);
      if (isSeq(value) && !isList) {
        for (const item of value.items) out.push(this.stmt(head, item as Node, false));
      } else out.push(this.stmt(head, value, isList));
    }
    return out;
  }

  stmt(head: Token[], value: Node | null, isList: boolean): Stmt {
    const s: Stmt = { keyword: head[0]!, args: head.slice(1) };
    if (value === null || (isScalar(value) && value.value === null)) {
      if (isList) s.children = [];
      return s;
    }
    if (isMap(value)) {
      s.children = this.block(value);
      s.openLoc = this.loc(value);
      return s;
    }
    if (isSeq(value)) {
      s.children = [];
      for (const item of value.items) {
        const t = this.scalarText(item as Node);
        if (t === undefined) {
          this.sink.warning('yaml-shape', `items of '${head[0]!.text}' are lines (strings)`, this.loc(item as Node));
          continue;
        }
        const toks = this.words(t, this.loc(item as Node));
        if (toks.length) s.children.push({ keyword: toks[0]!, args: toks.slice(1) });
      }
      return s;
    }
    const t = this.scalarText(value) ?? '';
    s.args.push(...this.words(t, this.loc(value)));
    return s;
  }
}

/** Parses the YAML form; undefined on a YAML syntax error (exit 4) or when keepalived would stop (exit 2). */
export function parseYamlConfig(file: string, text: string, sink: DiagnosticSink): KeepalivedConfig | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const model = emptyConfig(file);
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0]);
    // A document that is not valid YAML cannot be trusted at all: fatal, like an unreadable file.
    sink.error('yaml-syntax', e.message.split('\n')[0]!, { file, line: p.line, col: p.col }, 4);
  }
  if (doc.errors.length) return undefined;
  const walker = new YamlWalker(file, lc, sink);
  const root = doc.contents as Node | null;
  if (root === null) return model;
  const stmts = walker.block(root);
  const ctx: ParseCtx = { sink, stopped: false };
  applyTable(ctx, TOP_TABLE, stmts, model, { where: 'the top level' });
  return ctx.stopped ? undefined : model;
}
