import { describe, expect, it } from 'vitest';
import { messageType } from './protos.ts';
import { deltaFieldOf, encodeResource, fromEncoded } from './resource.ts';
import { TYPE_URLS } from './type-urls.ts';

const responseType = messageType('envoy.service.discovery.v3.DiscoveryResponse');

describe('fromEncoded', () => {
  it.each<{ name: string; size: number }>([
    { name: 'an empty body (no Any.value field)', size: 0 },
    { name: 'a small body', size: 5 },
    { name: 'a body that needs a two-byte length', size: 200 },
    { name: 'a body that needs a three-byte length', size: 20_000 },
  ])('writes the SotW resources field as a DiscoveryResponse holds it: $name', ({ size }) => {
    const body = Uint8Array.from({ length: size }, (_, i) => i % 251);
    const resource = fromEncoded(TYPE_URLS.endpoint, 'a', body, []);
    const decoded = responseType.toObject(responseType.decode(resource.sotwField)) as { resources: { type_url: string; value?: Uint8Array }[] };
    expect(decoded.resources).toHaveLength(1);
    expect(decoded.resources[0]?.type_url).toBe(TYPE_URLS.endpoint);
    expect(Buffer.from(decoded.resources[0]?.value ?? new Uint8Array())).toEqual(Buffer.from(body));
    expect(resource.body).toBe(body);
  });

  it.each<{ name: string; other: () => ReturnType<typeof fromEncoded>; same: boolean }>([
    { name: 'the same bytes and type: the same version', other: () => fromEncoded(TYPE_URLS.endpoint, 'b', Uint8Array.of(1, 2, 3), []), same: true },
    { name: 'other bytes: another version', other: () => fromEncoded(TYPE_URLS.endpoint, 'a', Uint8Array.of(1, 2, 4), []), same: false },
    { name: 'the same bytes of another type: another version', other: () => fromEncoded(TYPE_URLS.cluster, 'a', Uint8Array.of(1, 2, 3), []), same: false },
  ])('versions are content hashes: $name', ({ other, same }) => {
    const version = fromEncoded(TYPE_URLS.endpoint, 'a', Uint8Array.of(1, 2, 3), []).version;
    expect(version).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(other().version === version).toBe(same);
  });

  it('gives delta responses the same Any inside a discovery Resource with its version and name', () => {
    const resource = fromEncoded(TYPE_URLS.endpoint, 'svc-a', Uint8Array.of(10, 5, 115, 118, 99, 45, 97), []);
    const deltaType = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
    const decoded = deltaType.toObject(deltaType.decode(deltaFieldOf(resource))) as { resources: { name: string; version: string; resource: { type_url: string; value: Uint8Array } }[] };
    expect(decoded.resources).toHaveLength(1);
    expect(decoded.resources[0]?.name).toBe('svc-a');
    expect(decoded.resources[0]?.version).toBe(resource.version);
    expect(decoded.resources[0]?.resource.type_url).toBe(TYPE_URLS.endpoint);
    expect(Buffer.from(decoded.resources[0]?.resource.value ?? new Uint8Array())).toEqual(Buffer.from(resource.body));
  });
});

describe('encodeResource and Any', () => {
  const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
  // An Any nested under a field the direct encoder gives up on (a number where a string goes), so
  // protobufjs encodes the whole resource: its empty-Any behaviour is what must not get through.
  const viaProtobufjs = { stat_prefix: 7 };
  const listener = (typedConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'l',
    ...extra,
    filter_chains: [{ filters: [{ name: 'f', typed_config: typedConfig }] }],
  });

  it.each([
    ['by the direct encoder', listener({ '@type': 'type.googleapis.com/envoy.Nope' })],
    ['by protobufjs', listener({ '@type': 'type.googleapis.com/envoy.Nope' }, viaProtobufjs)],
    ['nested in a loaded Any', listener({ '@type': HCM, access_log: [{ name: 'a', typed_config: { '@type': 'envoy.Nope' } }] })],
  ])('refuses an Any of a type that is not loaded, encoded %s', (_name, input) => {
    const outcome = encodeResource(TYPE_URLS.listener, input);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.problem).toContain('envoy.Nope is not a loaded message type');
  });

  it.each([
    ['by the direct encoder', listener({ '@type': HCM, stat_prefix: 's' })],
    ['by protobufjs', listener({ '@type': HCM, stat_prefix: 's' }, viaProtobufjs)],
  ])('encodes an Any of a loaded type %s, with its type URL', (_name, input) => {
    const outcome = encodeResource(TYPE_URLS.listener, input);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(Buffer.from(outcome.resource.body).includes(Buffer.from(HCM))).toBe(true);
  });
});
