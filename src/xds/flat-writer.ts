/**
 * A protobuf writer for the hot encoders (endpoint changes are the most frequent publish).
 * Operations go into flat arrays that are reused from one encode to the next; a nested message's
 * length is settled when it closes, so `finish()` writes one exactly sized buffer in one pass.
 * protobufjs's Writer allocates an object per operation and per nested message instead.
 *
 * One encode at a time per writer: `reset()` starts the next (also after an encode that threw).
 */
/** Bytes of `value` as a varint (non-negative integers below 2^53). */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes `value` as a varint at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

/** UTF-8 length of `s`, computed without encoding it. */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Writes `s` (of UTF-8 length `bytes`) at `offset`; returns the offset after it. */
export function writeUtf8(out: Buffer, offset: number, s: string, bytes: number): number {
  if (bytes === s.length) {
    for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i);
  } else {
    out.write(s, offset, bytes, 'utf8');
  }
  return offset + bytes;
}

const WIRE_FIXED64 = 1;
const WIRE_FIXED32 = 5;

export class FlatWriter {
  private readonly keys: number[] = [];
  /**
   * A number is written as a varint (a scalar's value, or an open message's length, set when it
   * closes; its fields follow as the next operations), or as a little-endian double or float when
   * the key's wire type is 1 or 5. A string is written length-prefixed.
   */
  private readonly values: (number | string)[] = [];
  /** A string's UTF-8 length. */
  private readonly lengths: number[] = [];
  private readonly openOps: number[] = [];
  private readonly openAt: number[] = [];
  private count = 0;
  private total = 0;

  reset(): this {
    this.count = 0;
    this.total = 0;
    this.openOps.length = 0;
    this.openAt.length = 0;
    return this;
  }

  /** A varint field; `key` is the field key (number << 3 | wire type). */
  varint(key: number, value: number): void {
    this.push(key, value, 0);
    this.total += varintSize(key) + varintSize(value);
  }

  string(key: number, value: string): void {
    const bytes = utf8Length(value);
    this.push(key, value, bytes);
    this.total += varintSize(key) + varintSize(bytes) + bytes;
  }

  /** A double field (`key` has wire type 1). */
  double(key: number, value: number): void {
    this.push(key, value, 0);
    this.total += varintSize(key) + 8;
  }

  /** A float field (`key` has wire type 5). */
  float(key: number, value: number): void {
    this.push(key, value, 0);
    this.total += varintSize(key) + 4;
  }

  /** A varint without a key: an element of a packed repeated field (inside `open`/`close`). */
  packedVarint(value: number): void {
    this.push(0, value, 0);
    this.total += varintSize(value);
  }

  /** Opens a nested message at `key`; `close()` ends it. */
  open(key: number): void {
    this.openOps.push(this.count);
    this.openAt.push(this.total);
    this.push(key, 0, 0);
  }

  close(): void {
    const op = this.openOps.pop();
    const at = this.openAt.pop();
    if (op === undefined || at === undefined) throw new Error('FlatWriter: close() without open()');
    const length = this.total - at;
    this.values[op] = length;
    this.total += varintSize(this.keys[op] ?? 0) + varintSize(length);
  }

  finish(): Buffer {
    if (this.openOps.length > 0) throw new Error('FlatWriter: finish() inside an open message');
    const out = Buffer.allocUnsafeSlow(this.total);
    let offset = 0;
    for (let i = 0; i < this.count; i++) {
      // Key 0 (no field has number 0) marks a packed element; the key's wire type tells fixed widths apart.
      const key = this.keys[i] ?? 0;
      if (key !== 0) offset = writeVarint(out, offset, key);
      const value = this.values[i] ?? 0;
      if (typeof value === 'number') {
        if ((key & 7) === WIRE_FIXED64) offset = out.writeDoubleLE(value, offset);
        else if ((key & 7) === WIRE_FIXED32) offset = out.writeFloatLE(value, offset);
        else offset = writeVarint(out, offset, value);
      } else {
        const bytes = this.lengths[i] ?? 0;
        offset = writeUtf8(out, writeVarint(out, offset, bytes), value, bytes);
      }
    }
    return out;
  }

  private push(key: number, value: number | string, length: number): void {
    const i = this.count++;
    this.keys[i] = key;
    this.values[i] = value;
    this.lengths[i] = length;
  }
}
