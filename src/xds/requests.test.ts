import { describe, expect, it } from 'vitest';
import { messageType } from './protos.ts';
import { decodeSotwRequest, isGrpcClient } from './requests.ts';

const type = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const encode = (body: Record<string, unknown>): Uint8Array => type.encode(type.fromObject(body)).finish();

describe('decodeSotwRequest', () => {
  it('decodes every field the server uses', () => {
    const r = decodeSotwRequest(
      encode({ version_info: 'v1', node: { id: 'n', cluster: 'c', user_agent_name: 'envoy', client_features: ['f'] }, resource_names: ['a', 'bé'], type_url: 't', response_nonce: '7', error_detail: { code: 3, message: 'bad' } }),
    );
    expect(r).toMatchObject({ versionInfo: 'v1', typeUrl: 't', responseNonce: '7', errorDetail: { code: 3, message: 'bad' } });
    expect(r.resourceNames).toEqual(['a', 'bé']);
    expect(r.node).toMatchObject({ id: 'n', cluster: 'c', userAgentName: 'envoy', clientFeatures: ['f'] });
  });

  it.each([
    [['a', 'b'], ['a', 'b'], true],
    [['a', 'b'], ['b', 'a'], false],
    [['a'], ['a', 'b'], false],
    [[], [], true],
    [['x'.repeat(300), 'b'], ['x'.repeat(300), 'b'], true],
    [['x'.repeat(300), 'b'], ['x'.repeat(300), 'c'], false],
    [['x'.repeat(20_000)], ['x'.repeat(19_999)], false],
  ])('gives %j and %j equal names keys: %s', (left, right, equal) => {
    const l = decodeSotwRequest(encode({ type_url: 't', resource_names: left, response_nonce: '1' }));
    const r = decodeSotwRequest(encode({ type_url: 't', resource_names: right, response_nonce: '2', version_info: 'x' }));
    expect(l.namesKey.equals(r.namesKey)).toBe(equal);
  });

  it('finds every field around a run of names, and names split by other fields', () => {
    const long = 'é'.repeat(100);
    const split = Buffer.concat([encode({ resource_names: ['a', long] }), encode({ type_url: 't' }), encode({ resource_names: ['c'], response_nonce: 'n' })]);
    const r = decodeSotwRequest(split);
    expect(r).toMatchObject({ typeUrl: 't', responseNonce: 'n' });
    expect(r.resourceNames).toEqual(['a', long, 'c']);
    const run = decodeSotwRequest(Buffer.concat([encode({ resource_names: [long, 'b'] }), encode({ type_url: 't', response_nonce: 'n' })]));
    expect(run.namesKey).toEqual(Buffer.from(encode({ resource_names: [long, 'b'] })));
  });

  it('rejects a names field that runs past the end (grpc-js then ends that stream)', () => {
    const whole = encode({ resource_names: ['abcdef'] });
    expect(() => decodeSotwRequest(whole.subarray(0, whole.length - 2))).toThrow(RangeError);
  });

  it('tells gRPC clients from Envoy by user agent', () => {
    const node = (ua: string) => decodeSotwRequest(encode({ node: { id: 'x', user_agent_name: ua } })).node;
    const grpcNode = node('gRPC Node Pure JS');
    const envoyNode = node('envoy');
    expect(grpcNode !== undefined && isGrpcClient(grpcNode)).toBe(true);
    expect(envoyNode !== undefined && isGrpcClient(envoyNode)).toBe(false);
  });
});
