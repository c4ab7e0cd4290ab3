/**
 * A minimal gRPC bidi-stream transport on Node's http2, for the benchmark's load client: length-
 * prefixed messages over one HTTP/2 stream per call, no interceptors, no per-message promises.
 * It measures the server, not a client library: grpc-js spends tens of µs per received message
 * (decoder copies, an async decompress step, several listener layers), which at 1,000 streams
 * is a client-side delay in every figure. Correctness against real gRPC clients is what the
 * contract tests (grpc-js-xds) check; this only speaks the wire format (length prefix, no
 * compression) and ignores status trailers.
 */
import http2 from 'node:http2';

/** Envoy's default HTTP/2 windows are 256 MiB; HTTP/2's 64 KiB would make flow control the bottleneck. */
const WINDOW_BYTES = 64 * 1024 * 1024;

export interface RawCall {
  /** Writes one message made of `parts` (joined once, behind the length prefix). */
  write(...parts: readonly Uint8Array[]): void;
  cancel(): void;
}

export function connect(address: string): http2.ClientHttp2Session {
  const session = http2.connect(`http://${address}`, { settings: { initialWindowSize: WINDOW_BYTES }, maxSessionMemory: 1024 });
  session.once('remoteSettings', () => {
    session.setLocalWindowSize(WINDOW_BYTES);
  });
  session.on('error', () => undefined);
  return session;
}

function framed(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(length, 1);
  return Buffer.concat([prefix, ...parts], 5 + length);
}

/** Opens a bidi call; `onMessage` gets each whole message (a view into the received bytes). */
export function openCall(session: http2.ClientHttp2Session, path: string, onMessage: (message: Buffer) => void): RawCall {
  const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
  // Received bytes not yet delivered; a large message spans many DATA chunks and is joined once.
  let chunks: Buffer[] = [];
  let buffered = 0;
  let needed = 5;
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    while (buffered >= needed) {
      let buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, buffered);
      const length = buf.readUInt32BE(1);
      if (buf.length < 5 + length) {
        chunks = [buf];
        needed = 5 + length;
        return;
      }
      onMessage(buf.subarray(5, 5 + length));
      buf = buf.subarray(5 + length);
      chunks = buf.length > 0 ? [buf] : [];
      buffered = buf.length;
      needed = 5;
    }
  });
  stream.on('error', () => undefined);
  return {
    write: (...parts) => void stream.write(framed(parts)),
    cancel: () => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
    },
  };
}
