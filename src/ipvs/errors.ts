// Typed errors of the IPVS layer. None of them is fatal to the daemon: the reconciler logs and
// counts them and keeps the last good table.

export class IpvsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A virtual/real server that cannot become an IPVS entry (bad address, port, mask…). */
export class IpvsSpecError extends IpvsError {
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

/** Output of ipvsadm / nft that ka-ts cannot understand; `line` is 1-based. */
export class IpvsParseError extends IpvsError {
  constructor(readonly source: string, readonly line: number, readonly text: string, message: string) {
    super(`${source} line ${line}: ${message}: ${JSON.stringify(text)}`);
  }
}

/** A backend command that failed to run or exited non-zero. */
export class IpvsCommandError extends IpvsError {
  constructor(readonly command: string, readonly code: number | string, readonly stderr: string) {
    super(`${command} failed (${code}): ${stderr.trim() || 'no error output'}`);
  }
}

/** A change the chosen backend cannot express (e.g. the lc scheduler with nft). */
export class IpvsUnsupportedError extends IpvsError {}
