import { readFileSync } from 'node:fs';
import { packageRoot } from '../ops/package-root.js';

/** ka-ts's version, from package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

export function versionText(): string {
  return `ka-ts v${version()} (keepalived 2.2.7 compatible)\nNode.js ${process.version} on ${process.platform} ${process.arch}\n`;
}
