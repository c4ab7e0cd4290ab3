/**
 * Reads the few header fields of an encoded (Delta)DiscoveryResponse that the xDS benchmarks
 * need, without decoding its resources.
 */
export interface Scanned {
  typeUrl: string;
  version: string;
  nonce: string;
  bytes: number;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 1;
  for (;;) {
    const byte = buf[pos++] ?? 0;
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, pos];
    shift *= 128;
  }
}

/** Reads type_url (4), version (1) and nonce (5) of a (Delta)DiscoveryResponse without decoding resources. */
export function scan(buf: Buffer): Scanned {
  const out: Scanned = { typeUrl: '', version: '', nonce: '', bytes: buf.length };
  let pos = 0;
  while (pos < buf.length) {
    let tag: number;
    [tag, pos] = readVarint(buf, pos);
    const wire = tag & 7;
    if (wire === 0) {
      [, pos] = readVarint(buf, pos);
      continue;
    }
    if (wire !== 2) break;
    let len: number;
    [len, pos] = readVarint(buf, pos);
    const field = tag >>> 3;
    if (field === 4) out.typeUrl = buf.toString('utf8', pos, pos + len);
    else if (field === 1) out.version = buf.toString('utf8', pos, pos + len);
    else if (field === 5) out.nonce = buf.toString('utf8', pos, pos + len);
    pos += len;
  }
  return out;
}
