// vrrp_track_file: reads the integer in each file at start and whenever it changes (fs.watch on
// the directory, i.e. inotify, so a file that is replaced by rename is seen too, as keepalived
// does). An unreadable or non-numeric file reads as 0, which is keepalived's strtol behaviour.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { TrackFileDef } from './engine-spec.js';

export function readTrackFile(path: string): number {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

export class TrackFileWatcher {
  private readonly values = new Map<string, number>();
  private readonly watchers: FSWatcher[] = [];

  constructor(private defs: TrackFileDef[], private readonly onChange: (name: string, value: number) => void, private readonly onError: (msg: string) => void) {}

  value(name: string): number {
    return this.values.get(name) ?? 0;
  }

  start(): void {
    for (const d of this.defs) this.values.set(d.name, readTrackFile(d.path));
    const byDir = new Map<string, TrackFileDef[]>();
    for (const d of this.defs) byDir.set(dirname(d.path), [...(byDir.get(dirname(d.path)) ?? []), d]);
    for (const [dir, defs] of byDir) {
      try {
        const w = watch(dir, (_ev, file) => {
          for (const d of defs) if (file === null || file === basename(d.path)) this.reread(d);
        });
        w.on('error', (err) => this.onError(`track_file directory ${dir}: ${err.message}`));
        this.watchers.push(w);
      } catch (err) {
        this.onError(`cannot watch ${dir} for track_file: ${(err as Error).message}`);
      }
    }
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
  }

  /** New definitions (reload): restarts the watches, keeps nothing stale. */
  replace(defs: TrackFileDef[]): void {
    this.stop();
    this.defs = defs;
    this.values.clear();
    this.start();
  }

  private reread(d: TrackFileDef): void {
    const v = readTrackFile(d.path);
    if (this.values.get(d.name) === v) return;
    this.values.set(d.name, v);
    this.onChange(d.name, v);
  }
}
