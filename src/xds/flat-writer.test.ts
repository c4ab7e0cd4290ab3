import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { FlatWriter, utf8Length } from './flat-writer.ts';

describe('utf8Length agrees with Buffer.byteLength', () => {
  it.each(['', 'svc-1', 'é', 'outbound|80||ünïcödé.ns', '日本語', '🙂 emoji', 'a\ud800b', '\udc00', 'x'.repeat(300)])('%j', (s) => {
    expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});

type Op = (w: FlatWriter, p: protobuf.Writer) => void;
const str = (key: number, s: string): Op => (w, p) => {
  w.string(key, s);
  p.uint32(key).string(s);
};
const num = (key: number, n: number): Op => (w, p) => {
  w.varint(key, n);
  p.uint32(key).uint32(n);
};
const dbl = (key: number, n: number): Op => (w, p) => {
  w.double(key, n);
  p.uint32(key).double(n);
};
const flt = (key: number, n: number): Op => (w, p) => {
  w.float(key, n);
  p.uint32(key).float(n);
};
const packed = (key: number, ns: number[]): Op => (w, p) => {
  w.open(key);
  p.uint32(key).fork();
  for (const n of ns) {
    w.packedVarint(n);
    p.uint32(n);
  }
  w.close();
  p.ldelim();
};
const msg = (key: number, ...ops: Op[]): Op => (w, p) => {
  w.open(key);
  p.uint32(key).fork();
  for (const op of ops) op(w, p);
  w.close();
  p.ldelim();
};

describe('FlatWriter writes what protobufjs writes', () => {
  it.each<{ name: string; ops: Op[] }>([
    { name: 'nothing', ops: [] },
    { name: 'scalars', ops: [num(8, 0), num(16, 127), num(24, 128), num(32, 4294967295)] },
    { name: 'non-ASCII strings', ops: [str(10, 'é'), str(18, '日本語 🙂'), str(26, '')] },
    { name: 'nested messages, one longer than 127 bytes', ops: [msg(10, str(10, 'a'), msg(18, msg(10))), msg(18, str(10, 'x'.repeat(200)), num(16, 3))] },
    { name: 'an empty nested message', ops: [msg(10)] },
    { name: 'doubles and floats', ops: [dbl(9, 12.5), dbl(17, -0), dbl(25, Number.POSITIVE_INFINITY), flt(13, 0.1), flt(21, -3)] },
    { name: 'packed varints, in a message', ops: [packed(10, [1, 300, 4294967295]), msg(18, packed(10, [0]), num(16, 1))] },
  ])('$name', ({ ops }) => {
    const w = new FlatWriter().reset();
    const p = protobuf.Writer.create();
    for (const op of ops) op(w, p);
    expect(w.finish()).toEqual(Buffer.from(p.finish()));
  });

  it('starts clean after reset, also after an encode that was abandoned', () => {
    const w = new FlatWriter();
    w.reset().open(10);
    w.string(10, 'abandoned');
    w.reset().string(10, 'b');
    expect(w.finish()).toEqual(Buffer.from([10, 1, 98]));
  });

  it.each<{ name: string; run: (w: FlatWriter) => void }>([
    {
      name: 'close() without open()',
      run: (w) => {
        w.close();
      },
    },
    {
      name: 'finish() inside an open message',
      run: (w) => {
        w.open(10);
        w.finish();
      },
    },
  ])('throws on a programmer error: $name', ({ run }) => {
    expect(() => {
      run(new FlatWriter().reset());
    }).toThrow(/FlatWriter/);
  });
});
