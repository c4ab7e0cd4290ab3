/**
 * `node bench/xds/proto-runtime.ts [--json]`: the measurement behind ADR 0010. Decodes and
 * re-encodes the workload-1 resources (1,000 clusters, 1,000 ten-endpoint CLAs, one 1,000-vhost
 * RouteConfiguration) and a DiscoveryRequest naming 1,000 resources, with protobufjs (reflection,
 * loaded from .proto at run time) and @bufbuild/protobuf (reflection over a FileDescriptorSet
 * built from the same Root; no generated code).
 */
import { createFileRegistry, fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
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
const protobufjsLoadMs = performance.now() - t0;

const t1 = performance.now();
const set = (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
const setBytes = (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet.encode(set).finish();
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, setBytes));
const bufbuildLoadMs = performance.now() - t1;

const state = { services: 1000, portShift: new Map<number, number>(), timeouts: new Map<number, number>() };
const resources = meshResources(state);
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
const totalBytes = encoded.reduce((sum, e) => sum + e.bytes.length, 0);

function bufbuildDesc(name: string): DescMessage {
  const desc = registry.getMessage(name);
  if (desc === undefined) throw new Error(`no descriptor for ${name}`);
  return desc;
}

const pbTypes = new Map(encoded.map((e) => [e.typeName, root.lookupType(e.typeName)]));
const bbTypes = new Map(encoded.map((e) => [e.typeName, bufbuildDesc(e.typeName)]));
const protobufjsRoundTripMs = time(() => {
  for (const e of encoded) {
    const type = pbTypes.get(e.typeName);
    if (type !== undefined) type.encode(type.decode(e.bytes)).finish();
  }
});
let bufbuildBytes = 0;
const bufbuildRoundTripMs = time(() => {
  bufbuildBytes = 0;
  for (const e of encoded) {
    const desc = bbTypes.get(e.typeName);
    if (desc !== undefined) bufbuildBytes += toBinary(desc, fromBinary(desc, e.bytes)).length;
  }
});

const requestType = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
const ack = requestType
  .encode(requestType.fromObject({ version_info: 'v1', type_url: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', response_nonce: '42', resource_names: Array.from({ length: 1000 }, (_, i) => serviceName(i)) }))
  .finish();
const requestDesc = bufbuildDesc('envoy.service.discovery.v3.DiscoveryRequest');
const perAck = (fn: () => void): number => {
  const n = 1000;
  return time(() => {
    for (let i = 0; i < n; i++) fn();
  }) * 1000 / n;
};
const ackDecodeUs = {
  protobufjs: perAck(() => requestType.decode(ack)),
  bufbuild: perAck(() => fromBinary(requestDesc, ack)),
  weftScanner: perAck(() => decodeSotwRequest(ack).namesKey),
};

const result = {
  resources: encoded.length,
  totalBytes,
  bufbuildReencodedBytes: bufbuildBytes,
  loadMs: { protobufjs: protobufjsLoadMs, bufbuildFromProtobufjsRoot: bufbuildLoadMs },
  encodeFromObjectsMs,
  roundTripMs: { protobufjs: protobufjsRoundTripMs, bufbuild: bufbuildRoundTripMs },
  ackWith1000NamesDecodeUs: ackDecodeUs,
};
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
