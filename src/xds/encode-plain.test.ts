import { describe, expect, it } from 'vitest';
import { encodePlain } from './encode-plain.ts';
import { messageType } from './protos.ts';

const ROUTE_CONFIG = 'envoy.config.route.v3.RouteConfiguration';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const LISTENER = 'envoy.config.listener.v3.Listener';
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

const route = (action: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'r',
  virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c', ...action }, ...extra }] }],
});

const protobufjs = (typeName: string, input: Record<string, unknown>): Buffer => {
  const type = messageType(typeName);
  return Buffer.from(type.encode(type.fromObject(input)).finish());
};

describe('encodePlain writes the bytes protobufjs writes', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['an empty message', ROUTE_CONFIG, {}],
    ['nested messages and repeated strings', ROUTE_CONFIG, route({})],
    ['fields given out of number order', ROUTE_CONFIG, { virtual_hosts: [{ routes: [], domains: ['b', 'a'], name: 'vh' }], name: 'r' }],
    ['defaults written when present (empty string, 0, false)', CLUSTER, { name: '', per_connection_buffer_limit_bytes: { value: 0 }, respect_dns_ttl: false }],
    ['an enum by name', CLUSTER, { name: 'c', type: 'EDS', lb_policy: 'RING_HASH' }],
    ['an enum by number, also one the proto does not name', CLUSTER, { name: 'c', type: 3, lb_policy: 99 }],
    ['int64 Duration seconds and int32 nanos', ROUTE_CONFIG, route({ timeout: { seconds: 2, nanos: 500_000_000 } })],
    ['a large uint64', CLUSTER, { name: 'c', ring_hash_lb_config: { minimum_ring_size: { value: 2 ** 40 } } }],
    ['packed repeated uint32', ROUTE_CONFIG, route({ retry_policy: { retry_on: '5xx', retriable_status_codes: [503, 504, 100_000] } })],
    ['an empty repeated field', ROUTE_CONFIG, { name: 'r', virtual_hosts: [] }],
    ['a map of Any', ROUTE_CONFIG, route({}, { typed_per_filter_config: { 'envoy.filters.http.router': { '@type': ROUTER }, zeta: { '@type': ROUTER } } })],
    ['an Any holding messages with an Any', LISTENER, { name: 'l', filter_chains: [{ filters: [{ name: 'hcm', typed_config: { '@type': HCM, stat_prefix: 's', http_filters: [{ name: 'router', typed_config: { '@type': ROUTER } }] } }] }] }],
    ['an Any type URL without a host', LISTENER, { name: 'l', filter_chains: [{ filters: [{ name: 'r', typed_config: { '@type': 'envoy.extensions.filters.http.router.v3.Router' } }] }] }],
    ['a double', CLUSTER, { name: 'c', outlier_detection: {}, common_lb_config: { healthy_panic_threshold: { value: 12.5 } } }],
    ['both members of a oneof', ROUTE_CONFIG, route({ cluster_header: 'x' })],
    ['keys the type does not have', ROUTE_CONFIG, { name: 'r', nope: 1, '@type': 'x' }],
    ['null and undefined fields', ROUTE_CONFIG, { name: 'r', virtual_hosts: null, validate_clusters: undefined }],
    ['non-ASCII strings', ROUTE_CONFIG, { name: 'rötë-日本' }],
  ])('%s', (_name, typeName, input) => {
    const ours = encodePlain(messageType(typeName), input);
    expect(ours).toBeDefined();
    expect(ours).toEqual(protobufjs(typeName, input));
  });
});

describe('encodePlain leaves to protobufjs what it would not write the same', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['a number in a string field (protobufjs coerces it)', ROUTE_CONFIG, { name: 7 }],
    ['a string in an integer field', CLUSTER, { name: 'c', per_connection_buffer_limit_bytes: { value: '5' } }],
    ['a negative int32', ROUTE_CONFIG, route({ timeout: { seconds: 1, nanos: -1 } })],
    ['an unsafe int64', ROUTE_CONFIG, route({ timeout: { seconds: 2 ** 60 } })],
    ['an unknown enum name (protobufjs drops it)', CLUSTER, { name: 'c', lb_policy: 'NOPE' }],
    ['NaN in a double', CLUSTER, { name: 'c', common_lb_config: { healthy_panic_threshold: { value: Number.NaN } } }],
    ['an Any whose type is not loaded', LISTENER, { name: 'l', filter_chains: [{ filters: [{ name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.Nope' } }] }] }],
    ['an Any without @type', LISTENER, { name: 'l', filter_chains: [{ filters: [{ name: 'x', typed_config: { type_url: 'x', value: new Uint8Array(1) } }] }] }],
    ['a string where a message goes', ROUTE_CONFIG, { name: 'r', virtual_hosts: ['vh'] }],
    ['an array where a message goes', LISTENER, { name: 'l', address: [] }],
    ['a non-array repeated field', ROUTE_CONFIG, { name: 'r', virtual_hosts: {} }],
    ['a falsy non-array repeated field (protobufjs skips it)', ROUTE_CONFIG, { name: 'r', virtual_hosts: 0 }],
    ['a bool given as a number', CLUSTER, { name: 'c', respect_dns_ttl: 1 }],
    ['a null map value', ROUTE_CONFIG, route({}, { typed_per_filter_config: { x: null } })],
  ])('%s', (_name, typeName, input) => {
    expect(encodePlain(messageType(typeName), input)).toBeUndefined();
  });

  it('can encode again after giving up midway', () => {
    const type = messageType(ROUTE_CONFIG);
    expect(encodePlain(type, { name: 'r', virtual_hosts: [{ name: 'vh', domains: [7] }] })).toBeUndefined();
    expect(encodePlain(type, route({}))).toEqual(protobufjs(ROUTE_CONFIG, route({})));
  });
});
