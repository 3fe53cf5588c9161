// keepalived's free-format hex strings (UDP_CHECK payload / require_reply, read_hex_str in
// lib/utils.c): whitespace-separated groups of hex digits, read in pairs; a group with an odd
// number of digits ends with a single-digit byte ("Ab12f 3" → AB 12 0F 03). In require_reply an
// X/x nibble is a wildcard: its bits are set in the mask and ignored when comparing.

export class HexStringError extends Error {
  override readonly name = 'HexStringError';
}

export interface HexBytes { data: Uint8Array; mask?: Uint8Array }

export function parseKeepalivedHex(text: string, allowWildcards: boolean): HexBytes {
  const data: number[] = [];
  const mask: number[] = [];
  let anyMask = false;
  const nibble = (ch: string, at: string): [number, number] => {
    if (/[0-9a-f]/i.test(ch)) return [parseInt(ch, 16), 0];
    if (allowWildcards && (ch === 'x' || ch === 'X')) { anyMask = true; return [0, 0xf]; }
    throw new HexStringError(`invalid hex digit '${ch}' in "${at}"`);
  };
  for (const group of text.trim().split(/\s+/).filter(Boolean)) {
    for (let i = 0; i < group.length; i += 2) {
      const hi = group[i]!;
      const lo = group[i + 1];
      if (lo === undefined) {
        const [v, m] = nibble(hi, group);
        data.push(v); mask.push(m);
      } else {
        const [vh, mh] = nibble(hi, group);
        const [vl, ml] = nibble(lo, group);
        data.push((vh << 4) | vl); mask.push((mh << 4) | ml);
      }
    }
  }
  if (!data.length) throw new HexStringError('empty hex string');
  const out: HexBytes = { data: Uint8Array.from(data) };
  if (anyMask) out.mask = Uint8Array.from(mask);
  return out;
}
