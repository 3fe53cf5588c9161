import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository / package root: the nearest ancestor of this compiled file that holds
 * package.json. Compiled output may live in dist/ or in a private .build/<name>/ directory,
 * so paths to native/, conf/ and test fixtures are resolved from here, never from __dirname depth.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ka-ts: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cached = dir;
  return dir;
}
