import { describe, expect, it } from 'vitest';
import { encodeClusterLoadAssignment } from './encode-cla.ts';
import { loadAssignment } from './fixtures.ts';
import { messageType } from './protos.ts';

type Plain = Record<string, unknown>;

const viaProtobufjs = (input: Plain): Buffer => {
  const type = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');
  return Buffer.from(type.encode(type.fromObject(input)).finish());
};

const lb = (address: string, port: number, extra: Plain = {}): Plain => ({ endpoint: { address: { socket_address: { address, port_value: port } } }, ...extra });

describe('encodeClusterLoadAssignment writes what protobufjs writes', () => {
  it.each<{ name: string; input: Plain }>([
    { name: 'the test fixture', input: loadAssignment('outbound|80||a.ns.svc.cluster.local', [{ address: '10.0.0.1', port: 8080 }, { address: '10.0.0.2', port: 8081 }]) },
    { name: 'no endpoints', input: { cluster_name: 'c', endpoints: [] } },
    { name: 'only a name', input: { cluster_name: 'c' } },
    { name: 'an empty name and empty locality strings (present, so written)', input: { cluster_name: '', endpoints: [{ locality: { region: '', zone: '', sub_zone: '' }, lb_endpoints: [lb('10.0.0.1', 0)] }] } },
    {
      name: 'weights, health by name and by number, priority, several localities',
      input: {
        cluster_name: 'outbound|9080|v2|reviews.default.svc.cluster.local',
        endpoints: [
          { locality: { region: 'r1', zone: 'z1', sub_zone: 's1' }, load_balancing_weight: { value: 3 }, priority: 0, lb_endpoints: [lb('10.244.0.5', 9080, { health_status: 'HEALTHY', load_balancing_weight: { value: 1 } }), lb('10.244.0.6', 9080, { health_status: 3, load_balancing_weight: { value: 2 } })] },
          { locality: { region: 'r2' }, load_balancing_weight: { value: 0 }, priority: 2, lb_endpoints: [lb('fe80::1', 65535, { health_status: 'UNKNOWN' })] },
          { lb_endpoints: [{ health_status: 'DEGRADED' }, { endpoint: {} }, { endpoint: { address: {} } }] },
        ],
      },
    },
    { name: 'a large port and weight', input: { cluster_name: 'c', endpoints: [{ load_balancing_weight: { value: 4294967295 }, lb_endpoints: [lb('host.example.com', 65535)] }] } },
    { name: 'non-ASCII names', input: { cluster_name: 'outbound|80||ünïcödé-日本.ns.svc', endpoints: [{ locality: { region: 'région 🙂' }, lb_endpoints: [lb('höst.example', 80)] }] } },
    { name: 'undefined fields are absent', input: { cluster_name: 'c', endpoints: [{ locality: undefined, lb_endpoints: [lb('10.0.0.1', 1, { health_status: undefined })] }] } },
  ])('$name', ({ input }) => {
    const direct = encodeClusterLoadAssignment(input);
    expect(direct).toBeDefined();
    expect(Buffer.from(direct ?? new Uint8Array())).toEqual(viaProtobufjs(input));
  });
});

describe('encodeClusterLoadAssignment leaves other shapes to protobufjs', () => {
  it.each<{ name: string; input: Plain }>([
    { name: 'a field it does not write (policy)', input: { cluster_name: 'c', policy: { overprovisioning_factor: { value: 140 } } } },
    { name: 'endpoint metadata', input: { cluster_name: 'c', endpoints: [{ lb_endpoints: [lb('10.0.0.1', 1, { metadata: {} })] }] } },
    { name: 'a port that is not an integer', input: { cluster_name: 'c', endpoints: [{ lb_endpoints: [lb('10.0.0.1', 80.5)] }] } },
    { name: 'a port given as a string', input: { cluster_name: 'c', endpoints: [{ lb_endpoints: [lb('10.0.0.1', '80' as unknown as number)] }] } },
    { name: 'an unknown health name', input: { cluster_name: 'c', endpoints: [{ lb_endpoints: [lb('10.0.0.1', 1, { health_status: 'FINE' })] }] } },
    { name: 'endpoints that are not a list', input: { cluster_name: 'c', endpoints: {} } },
    { name: 'a named port', input: { cluster_name: 'c', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'a', named_port: 'http' } } } }] }] } },
  ])('$name', ({ input }) => {
    expect(encodeClusterLoadAssignment(input)).toBeUndefined();
  });
});
