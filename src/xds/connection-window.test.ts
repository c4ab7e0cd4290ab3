/**
 * The ADS server widens each connection's HTTP/2 receive window (ADR 14), so a client
 * multiplexing many streams can send their ACKs without waiting a round trip per 64 KiB.
 */
import http2 from 'node:http2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADS_CONNECTION_WINDOW_BYTES } from './connection-window.ts';
import { messageType } from './protos.ts';
import { ENVOY_NODE, startHarness, type Harness } from './testing/harness.ts';
import { TYPE_URLS } from './type-urls.ts';

const HTTP2_DEFAULT_WINDOW = 65_535;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

function grpcFrame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** Opens one ADS stream on a raw HTTP/2 connection, sends a CDS request, resolves on the first response bytes. */
function firstResponse(session: http2.ClientHttp2Session): Promise<void> {
  const type = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const request = type.encode(type.fromObject({ node: ENVOY_NODE, type_url: TYPE_URLS.cluster })).finish();
  const stream = session.request({
    ':method': 'POST',
    ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.write(grpcFrame(request));
  return new Promise((resolve, reject) => {
    stream.once('data', () => {
      stream.close();
      resolve();
    });
    stream.once('error', reject);
  });
}

describe('ADS connection receive window', () => {
  it('is widened from the HTTP/2 default once the connection carries an ADS stream', async () => {
    const session = http2.connect(`http://${h.address}`);
    try {
      await firstResponse(session);
      // The WINDOW_UPDATE went out before the response, on the same connection: it has been read.
      const window = session.state.remoteWindowSize ?? 0;
      expect(window).toBeGreaterThan(HTTP2_DEFAULT_WINDOW);
      expect(window).toBeGreaterThan(ADS_CONNECTION_WINDOW_BYTES - 1024);
    } finally {
      session.close();
    }
  });
});
