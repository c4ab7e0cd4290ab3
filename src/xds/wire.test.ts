import { describe, expect, it } from 'vitest';
import { messageType } from './protos.ts';
import { fromEncoded } from './resource.ts';
import { TYPE_URLS } from './type-urls.ts';
import { encodeControlPlane, encodeSotwResponse } from './wire.ts';

const responseType = messageType('envoy.service.discovery.v3.DiscoveryResponse');

interface Case {
  readonly name: string;
  readonly versionInfo: string;
  readonly nonce: string;
  readonly identifier: string;
  readonly bodies: readonly Uint8Array[];
}

describe('encodeSotwResponse writes what protobufjs writes', () => {
  it.each<Case>([
    { name: 'no resources', versionInfo: 'abc.1', nonce: '1', identifier: 'weft/abc', bodies: [] },
    { name: 'several resources', versionInfo: 'abc.2', nonce: '2', identifier: 'weft/abc', bodies: [Uint8Array.of(10, 1, 97), new Uint8Array(0), new Uint8Array(300).fill(7)] },
    { name: 'empty strings and no control plane are omitted', versionInfo: '', nonce: '', identifier: '', bodies: [Uint8Array.of(10, 1, 97)] },
    { name: 'a non-ASCII version', versionInfo: 'vé.日本', nonce: 'z', identifier: 'weft/ü', bodies: [] },
  ])('$name', ({ versionInfo, nonce, identifier, bodies }) => {
    const direct = encodeSotwResponse({ versionInfo, typeUrl: TYPE_URLS.endpoint, nonce, controlPlane: encodeControlPlane(identifier), resourceFields: bodies.map((b) => fromEncoded(TYPE_URLS.endpoint, 'x', b, []).sotwField) });
    const expected = responseType.encode(
      // proto3 defaults (empty strings and bytes) are omitted on the wire, as Weft omits them.
      responseType.fromObject({
        ...(versionInfo === '' ? {} : { version_info: versionInfo }),
        resources: bodies.map((value) => ({ type_url: TYPE_URLS.endpoint, ...(value.length === 0 ? {} : { value }) })),
        type_url: TYPE_URLS.endpoint,
        ...(nonce === '' ? {} : { nonce }),
        ...(identifier === '' ? {} : { control_plane: { identifier } }),
      }),
    ).finish();
    expect(direct).toEqual(Buffer.from(expected));
  });
});
