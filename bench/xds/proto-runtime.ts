/**
 * `node bench/xds/proto-runtime.ts [--json]`: the measurement behind ADR 0010, with protobufjs
 * loading the .proto files of @grpc/grpc-js-xds at run time (no generated code):
 * - load time of the Root;
 * - encoding the workload-1 resources from plain objects (1,000 clusters, 1,000 ten-endpoint
 *   CLAs, one 1,000-vhost RouteConfiguration) — done once per resource version in Weft;
 * - a decode + re-encode round trip of the same bytes (what a per-response re-serializing
 *   server would pay);
 * - decoding a DiscoveryRequest naming 1,000 resources (an Envoy EDS ACK): protobufjs reflection
 *   vs Weft's hand-written scanner (requests.ts).
 */
import { xdsProtoRoot } from '../../src/xds/protos.ts';
import { decodeSotwRequest } from '../../src/xds/requests.ts';
import { encodeResource } from '../../src/xds/resource.ts';
import { ADS_ORDER, messageName } from '../../src/xds/type-urls.ts';
import { meshResources, serviceName } from './workload.ts';

const ROUNDS = 5;

function time(fn: () => void): number {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
}

const t0 = performance.now();
const root = xdsProtoRoot();
const loadMs = performance.now() - t0;

const resources = meshResources({ services: 1000, portShift: new Map(), timeouts: new Map() });
const encoded: { typeName: string; bytes: Uint8Array }[] = [];
const encodeFromObjectsMs = time(() => {
  encoded.length = 0;
  for (const typeUrl of ADS_ORDER) {
    for (const input of resources[typeUrl] ?? []) {
      const outcome = encodeResource(typeUrl, input);
      if (outcome.ok) encoded.push({ typeName: messageName(typeUrl), bytes: outcome.resource.body });
    }
  }
});
const types = new Map(encoded.map((e) => [e.typeName, root.lookupType(e.typeName)]));
const roundTripMs = time(() => {
  for (const e of encoded) types.get(e.typeName)?.encode(types.get(e.typeName)?.decode(e.bytes) ?? {}).finish();
});

const requestType = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
const names = Array.from({ length: 1000 }, (_, i) => serviceName(i));
const ack = requestType.encode(requestType.fromObject({ version_info: 'v1', type_url: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', response_nonce: '42', resource_names: names })).finish();
const perCallUs = (fn: () => void): number => (time(() => {
  for (let i = 0; i < 1000; i++) fn();
}) * 1000) / 1000;

const result = {
  resources: encoded.length,
  totalBytes: encoded.reduce((sum, e) => sum + e.bytes.length, 0),
  loadMs,
  encodeFromObjectsMs,
  decodeReencodeRoundTripMs: roundTripMs,
  ackWith1000NamesDecodeUs: {
    protobufjs: perCallUs(() => requestType.decode(ack)),
    weftScannerNamesUnread: perCallUs(() => decodeSotwRequest(ack).namesKey),
    weftScannerWithNames: perCallUs(() => decodeSotwRequest(ack).resourceNames.length),
  },
};
process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
