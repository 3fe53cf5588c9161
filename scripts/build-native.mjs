#!/usr/bin/env node
// Builds the N-API addon in native/ against the headers of the Node.js that runs this script
// (Debian's nodejs ships them under /usr/include/node), so no header download is needed: CI
// machines reach the npm registry and Debian, not nodejs.org.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const prefix = dirname(dirname(process.execPath));
const args = ['rebuild', '--directory', 'native'];
if (existsSync(join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [nodeGyp, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
