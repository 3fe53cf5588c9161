// Entry modules of the children, resolved next to this compiled file (dist/ or a private build).
import { fileURLToPath } from 'node:url';

export function childModulePath(name: 'vrrp' | 'checkers'): string {
  return fileURLToPath(new URL(name === 'vrrp' ? './vrrp-child.js' : './checker-child.js', import.meta.url));
}
