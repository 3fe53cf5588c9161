// In-memory parsing for unit tests: files live in a Map, nothing touches the disk.
import { parseConf, type ParseResult } from '../../../parsers/conf-parser.js';
import { DiagnosticSink } from '../../../parsers/diagnostics.js';
import type { SourceAccess } from '../../../parsers/preprocess.js';
import { validateModel } from '../../../src/config/validate.js';

export function memoryAccess(files: Record<string, string>): SourceAccess {
  const names = Object.keys(files).sort();
  return {
    readFile: (p) => files[p],
    glob: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      return names.filter((n) => re.test(n));
    },
  };
}

export function parseText(text: string, opts: { configId?: string; files?: Record<string, string>; validate?: boolean } = {}): ParseResult {
  const sink = new DiagnosticSink();
  const r = parseConf('/etc/keepalived/keepalived.conf', { configId: opts.configId ?? 'vm', access: memoryAccess({ '/etc/keepalived/keepalived.conf': text, ...opts.files }) }, sink);
  if (opts.validate && !r.stopped) validateModel(r.model, sink);
  return r;
}

export const codes = (r: ParseResult): string[] => r.sink.items.map((d) => d.code);
