import { describe, expect, it } from 'vitest';
import { ensureTranslationProtos, TYPES } from '../ir-to-xds/protos.ts';
import { strictCheck } from './strict-check.ts';

ensureTranslationProtos();

const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const LISTENER = 'envoy.config.listener.v3.Listener';
const ROUTE = 'envoy.config.route.v3.RouteConfiguration';

describe('strictCheck', () => {
  it('accepts a well-formed resource with nested messages, Any, maps and repeated fields', () => {
    const cluster = {
      name: 'c',
      type: 'EDS',
      connect_timeout: { seconds: 1 },
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: 'c' },
      circuit_breakers: { thresholds: [{ max_connections: { value: 1 }, track_remaining: true }] },
      typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': TYPES.httpProtocolOptions, explicit_http_config: { http2_protocol_options: {} } } },
    };
    expect(strictCheck(CLUSTER, cluster)).toEqual([]);
  });

  it.each([
    ['unknown top-level field', CLUSTER, { name: 'c', nmae: 'x' }, 'has no field nmae'],
    ['camelCase instead of the .proto name', CLUSTER, { name: 'c', connectTimeout: { seconds: 1 } }, 'has no field connectTimeout'],
    ['misnamed nested field', CLUSTER, { name: 'c', circuit_breakers: { thresholds: [{ max_conections: { value: 1 } }] } }, 'has no field max_conections'],
    ['unknown field inside an Any', LISTENER, { name: 'l', api_listener: { api_listener: { '@type': TYPES.hcm, stat_prefix: 's', route_config_nam: 'x' } } }, 'has no field route_config_nam'],
    ['Any of a type that is not loaded', LISTENER, { name: 'l', api_listener: { api_listener: { '@type': 'type.googleapis.com/envoy.Nope' } } }, 'is not a loaded message type'],
    ['Any without @type', LISTENER, { name: 'l', api_listener: { api_listener: { stat_prefix: 's' } } }, 'Any without @type'],
    ['unknown enum value', CLUSTER, { name: 'c', lb_policy: 'LEAST_CONNECTIONS' }, 'is not a value of'],
    ['two members of a oneof', ROUTE, { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/', path: '/x' }, route: { cluster: 'c' } }] }] }, 'oneof path_specifier'],
    ['scalar of the wrong type', CLUSTER, { name: 'c', connect_timeout: { seconds: '1s' } }, 'is not a int64'],
    ['repeated field given a single value', ROUTE, { name: 'r', virtual_hosts: { name: 'v' } }, 'expected a list'],
    ['bad value inside a map', ROUTE, { name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], typed_per_filter_config: { f: { '@type': TYPES.fault, dela: {} } } }] }, 'has no field dela'],
    ['negative unsigned value', CLUSTER, { name: 'c', circuit_breakers: { thresholds: [{ max_connections: { value: -1 } }] } }, 'is negative'],
  ])('rejects %s', (_label, type, value, message) => {
    const errors = strictCheck(type, value);
    expect(errors.join('\n')).toContain(message);
  });
});
