// Typed errors of the codec. Decoding never throws (it returns a DropReason); these are raised only
// when the *local* side asks to encode something the wire cannot carry (a programming or config
// mapping error the caller must see at once, not a packet from the network).

export class VrrpEncodeError extends Error {
  override readonly name = 'VrrpEncodeError';
  constructor(message: string, readonly field: string) {
    super(`cannot encode VRRP advert: ${field}: ${message}`);
  }
}

export class IpAddressError extends Error {
  override readonly name = 'IpAddressError';
  constructor(readonly text: string, readonly family: string) {
    super(`not a valid ${family} address: ${JSON.stringify(text)}`);
  }
}
