// The real file-system side of the preprocessor's SourceAccess: synchronous reads (a config is
// read once per start/reload, and keepalived itself reads synchronously) and sorted glob matches.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SourceAccess } from '../../parsers/preprocess.js';

// glob is loaded only when an include pattern needs it: most configurations have no include,
// and `ka-ts -t` should not pay for the module.
const require = createRequire(import.meta.url);
let globSyncFn: ((pattern: string, opts: { nodir: boolean; absolute: boolean }) => string[]) | undefined;
const MAGIC = /[*?[\]{}]/;

export const fsAccess: SourceAccess = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  glob(pattern: string): string[] {
    if (!MAGIC.test(pattern)) return existsSync(pattern) && statSync(pattern).isFile() ? [pattern] : [];
    globSyncFn ??= (require('glob') as { globSync: typeof globSyncFn }).globSync;
    // Brace expansion as glob(3) with GLOB_BRACE; results sorted as glob(3) sorts them.
    return globSyncFn!(pattern, { nodir: true, absolute: true }).sort();
  },
};
