// Typed errors of the VRRP I/O layer, each naming what failed and where.

/** A malformed address, MAC or interface name handed to an I/O function. */
export class IoInputError extends Error {
  override readonly name = 'IoInputError';
  constructor(readonly what: string, readonly value: string) {
    super(`invalid ${what}: '${value}'`);
  }
}

/** A VRRP socket could not be opened, or sending on it failed. */
export class VrrpSocketError extends Error {
  override readonly name = 'VrrpSocketError';
  constructor(readonly ifname: string, readonly code: string, message: string) {
    super(`${ifname}: ${message}`);
  }
}

/** An interface named in the configuration does not exist (or vanished). */
export class InterfaceNotFoundError extends Error {
  override readonly name = 'InterfaceNotFoundError';
  constructor(readonly ifname: string) {
    super(`interface ${ifname} does not exist`);
  }
}

/** One or more lines of an `ip -batch` transaction failed for a reason other than idempotency. */
export class AddressBatchError extends Error {
  override readonly name = 'AddressBatchError';
  constructor(readonly failures: readonly { command: string; error: string }[]) {
    super(`ip -batch: ${failures.length} command(s) failed: ` + failures.map((f) => `'${f.command}': ${f.error}`).join('; '));
  }
}

/** Sending a gratuitous ARP or neighbour advertisement failed. */
export class AnnounceError extends Error {
  override readonly name = 'AnnounceError';
  constructor(readonly ifname: string, readonly address: string, message: string) {
    super(`${ifname}: announcing ${address}: ${message}`);
  }
}
