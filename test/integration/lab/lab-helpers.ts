// Shared set-up for the lab, drill and doctor integration tests: a unique lab name per test run
// (namespaces kt-lab-<name>-*), and checks that `lab down` left nothing behind.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLabConfig, type LabConfig } from '../../../src/ops/lab/lab-config.js';
import { labPrefix } from '../../../src/ops/lab/plan.js';

let n = 0;
/** Lab names are ≤ 12 lowercase letters/digits; pid + counter keeps parallel test files apart. */
export function uniqueLabName(tag: string): string {
  n += 1;
  return `${tag}${process.pid % 100000}${n}`.slice(0, 12);
}

export function exampleConf(): Promise<LabConfig> {
  return loadLabConfig(join(process.cwd(), 'conf', 'keepalived.conf'));
}

export function leftoverNamespaces(name: string): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.split(/\s+/)[0]!).filter((x) => x && x.startsWith(labPrefix(name)));
}

/** Alive = a /proc entry that is not a zombie (a zombie has exited; its parent has not reaped it yet). */
export function pidAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Runs rsvg-convert on the SVG when installed: it exits non-zero on a malformed picture. */
export function renderSvgToPng(svgFile: string): string | undefined {
  try { execFileSync('which', ['rsvg-convert']); } catch { return undefined; }
  const png = svgFile.replace(/\.svg$/, '.png');
  execFileSync('rsvg-convert', ['-o', png, svgFile]);
  return png;
}
