import { describe, expect, it } from 'vitest';
import { messageType } from './protos.ts';
import { deltaFieldOf, fromEncoded } from './resource.ts';
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
