// The real file-system side of the preprocessor's SourceAccess: synchronous reads (a config is
// read once per start/reload, and keepalived itself reads synchronously) and sorted glob matches.
import { readFileSync } from 'node:fs';
import { globSync } from 'glob';
import type { SourceAccess } from '../../parsers/preprocess.js';

export const fsAccess: SourceAccess = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  glob(pattern: string): string[] {
    // Brace expansion as glob(3) with GLOB_BRACE; results sorted as glob(3) sorts them.
    return globSync(pattern, { nodir: true, absolute: true }).sort();
  },
};
