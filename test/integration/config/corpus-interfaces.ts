// The interface names a corpus file mentions, computed exactly as ../shared/corpus/conftest-ns.sh
// computes them (so the namespace holds the same interfaces keepalived's verdict was taken with).
export function interfacesNamed(text: string): string[] {
  const t = text.replace(/[#!].*/g, '');
  const names = new Set<string>();
  for (const m of t.matchAll(/\b(?:interface|dev|lvs_sync_daemon_interface|lvs_sync_daemon|track_interface)\s+([A-Za-z][\w.:-]*)/g)) names.add(m[1]!);
  for (const m of t.matchAll(/track_interface\s*\{([^}]*)\}/g)) {
    for (const line of m[1]!.split('\n')) {
      const w = line.trim().split(/\s+/)[0];
      if (w) names.add(w);
    }
  }
  const out = new Set<string>();
  for (const n of names) if (!['weight', '{', '}'].includes(n)) out.add(n.split(':')[0]!);
  return [...out].filter((n) => n.length <= 15 && n.length > 0).sort();
}
