// A minimal keepalived.conf reader for the lab, drill and doctor: text → a tree of keyword nodes.
// The config engineer's full parser (src/config/) is the product's parser; this one only exists so
// the operator tools can read the handful of facts they need (instances, VIPs, virtual and real
// servers) without depending on it. It does not follow `include` and does not validate keywords.

export interface ConfNode {
  keyword: string;
  args: string[];
  children: ConfNode[];
  line: number;
}

export class ConfReadError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ConfReadError';
  }
}

interface Token { text: string; line: number }

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  text.split('\n').forEach((raw, i) => {
    // Comments start with ! or # anywhere outside a quoted string.
    let line = '';
    let quoted = false;
    for (const ch of raw) {
      if (ch === '"') quoted = !quoted;
      if (!quoted && (ch === '!' || ch === '#')) break;
      line += ch;
    }
    const re = /"([^"]*)"|([{}])|([^\s{}"]+)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) out.push({ text: m[1] ?? m[2] ?? m[3]!, line: i + 1 });
  });
  return out;
}

/** Parses keepalived.conf text into nodes; unbalanced braces are a located ConfReadError. */
export function parseConfTree(text: string, file = 'keepalived.conf'): ConfNode[] {
  const tokens = tokenize(text);
  const root: ConfNode = { keyword: '', args: [], children: [], line: 0 };
  const stack: ConfNode[] = [root];
  let current: ConfNode | undefined;
  let lastLine = -1;
  for (const t of tokens) {
    const parent = stack[stack.length - 1]!;
    if (t.text === '{') {
      const owner = current ?? parent.children[parent.children.length - 1];
      if (!owner) throw new ConfReadError(file, t.line, "'{' without a keyword before it");
      stack.push(owner);
      current = undefined;
      continue;
    }
    if (t.text === '}') {
      if (stack.length === 1) throw new ConfReadError(file, t.line, "'}' without a matching '{'");
      stack.pop();
      current = undefined;
      continue;
    }
    if (current && t.line === lastLine) {
      current.args.push(t.text);
      continue;
    }
    current = { keyword: t.text, args: [], children: [], line: t.line };
    parent.children.push(current);
    lastLine = t.line;
  }
  if (stack.length > 1) throw new ConfReadError(file, stack[stack.length - 1]!.line, `block '${stack[stack.length - 1]!.keyword}' is not closed`);
  return root.children;
}

export function child(n: ConfNode, keyword: string): ConfNode | undefined {
  return n.children.find((c) => c.keyword === keyword);
}

export function childArg(n: ConfNode, keyword: string): string | undefined {
  return child(n, keyword)?.args[0];
}
