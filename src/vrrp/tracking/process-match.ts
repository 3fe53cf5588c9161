// Which processes a vrrp_track_process counts, by keepalived's rules (core/track_process.c):
// the name is compared exactly with /proc/PID/comm (at most 15 characters, so a longer name
// never matches), or with the command line's argv[0] under full_command; parameters are compared
// with the arguments after it: exact (all and no more), partial (the first ones), initial (the
// first ones, the last only as a prefix).

export interface ProcessMatchDef {
  process: string;
  params?: string[];
  paramMatch?: 'exact' | 'initial' | 'partial';
  fullCommand: boolean;
}

/** What is read of one process: its comm, and its argv when some definition needs the command line. */
export interface ProcessFacts {
  comm: string;
  argv?: string[];
}

/** /proc/PID/cmdline: NUL-separated arguments with a trailing NUL. */
export function parseCmdline(raw: string): string[] {
  if (raw.length === 0) return [];
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function matchesProcess(def: ProcessMatchDef, facts: ProcessFacts): boolean {
  if (!def.fullCommand) return facts.comm === def.process;
  const argv = facts.argv;
  if (argv === undefined || argv[0] !== def.process) return false;
  const want = def.params ?? [];
  const got = argv.slice(1);
  switch (def.paramMatch) {
    case undefined:
      return true;
    case 'exact':
      return got.length === want.length && want.every((p, i) => got[i] === p);
    case 'partial':
      return got.length >= want.length && want.every((p, i) => got[i] === p);
    case 'initial': {
      if (want.length === 0) return true;
      const last = want.length - 1;
      return got.length >= want.length && want.every((p, i) => (i === last ? got[i]!.startsWith(p) : got[i] === p));
    }
  }
}
