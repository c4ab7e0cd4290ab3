import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../kube/fake-clock.ts';
import { DEFAULT_MESH_CONFIG } from '../registry/mesh-config.ts';
import { createSnapshotCache, type SnapshotCache } from '../xds/snapshot-cache.ts';
import { TYPE_URLS, type XdsTypeUrl } from '../xds/type-urls.ts';
import type { NodeInfo } from '../xds/requests.ts';
import { createPipeline, type PushTrigger } from './pipeline.ts';

const log = pino({ level: 'silent' });

const service = (name: string): V1Service => ({ metadata: { name, namespace: 'default' }, spec: { clusterIP: `10.96.0.${name.length}`, selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
const slice = (name: string, ips: readonly string[]): V1EndpointSlice => ({
  metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080 }],
  endpoints: ips.map((ip, i) => ({ addresses: [ip], conditions: { ready: true }, targetRef: { kind: 'Pod', name: `${name}-${String(i)}`, namespace: 'default' } })),
});
const pods: V1Pod[] = [];

const node = (generator?: string): NodeInfo => ({
  id: 'sidecar~10.244.9.9~c-1.default~default.svc.cluster.local',
  cluster: '',
  userAgentName: '',
  userAgentVersion: '',
  clientFeatures: [],
  raw: { metadata: { fields: generator === undefined ? {} : { GENERATOR: { stringValue: generator } } } },
});

/** A real cache that counts calls per method. */
function countingCache(): { cache: SnapshotCache; calls: { set: number; update: XdsTypeUrl[] } } {
  const cache = createSnapshotCache({ log });
  const calls = { set: 0, update: [] as XdsTypeUrl[] };
  return {
    calls,
    cache: {
      ...cache,
      setResources: (group, set) => {
        calls.set++;
        return cache.setResources(group, set);
      },
      updateResources: (group, typeUrl, change) => {
        calls.update.push(typeUrl);
        return cache.updateResources(group, typeUrl, change);
      },
    },
  };
}

function setup(generator?: string) {
  const clock = createFakeClock();
  const { cache, calls } = countingCache();
  const triggers: PushTrigger[] = [];
  const pipeline = createPipeline({ cache, clock, log, observer: { trigger: (t) => triggers.push(t) } });
  pipeline.setRegistryInput({ services: [service('a'), service('bb')], endpointSlices: [slice('a', ['10.244.0.1']), slice('bb', ['10.244.1.1'])], pods });
  return { clock, cache, calls, pipeline, triggers, generator };
}

const addresses = (cache: SnapshotCache, group: string, cluster: string): string => {
  const body = cache.get(group, TYPE_URLS.endpoint, cluster)?.body;
  return body === undefined ? '' : [...Buffer.from(body).toString('latin1').matchAll(/10\.244\.\d+\.\d+/g)].map((m) => m[0]).join(',');
};

describe('pipeline', () => {
  it.each([
    ['REGISTRY_ONLY', 'BlackHoleCluster'],
    ['ALLOW_ANY', 'PassthroughCluster'],
  ] as const)('mesh outboundTrafficPolicy %s sends virtualOutbound to %s', async (mode, cluster) => {
    const { cache, pipeline, triggers } = setup();
    await pipeline.flush();
    const group = pipeline.resolveGroup(node());
    pipeline.setMeshConfig({ ...DEFAULT_MESH_CONFIG, outboundTrafficPolicy: mode });
    await pipeline.flush();
    const listener = Buffer.from(cache.get(group, TYPE_URLS.listener, 'virtualOutbound')?.body ?? []).toString('latin1');
    expect(listener).toContain(cluster);
    expect(pipeline.mesh().outboundTrafficPolicy).toBe(mode);
    expect(triggers.includes('global')).toBe(mode !== DEFAULT_MESH_CONFIG.outboundTrafficPolicy);
  });

  it('does not push when a rebuild changes nothing', async () => {
    const { calls, pipeline } = setup();
    await pipeline.flush();
    pipeline.resolveGroup(node());
    const before = calls.set;
    pipeline.setServedConfig([]);
    pipeline.setMeshConfig(DEFAULT_MESH_CONFIG);
    await pipeline.flush();
    expect(calls.set).toBe(before);
  });

  it.each([undefined, 'grpc'])('an EndpointSlice change updates only that service’s EDS, as a full rebuild would (%s)', async (generator) => {
    const { cache, calls, pipeline, triggers } = setup(generator);
    await pipeline.flush();
    const group = pipeline.resolveGroup(node(generator));
    const setsBefore = calls.set;
    const input = { services: [service('a'), service('bb')], endpointSlices: [slice('a', ['10.244.0.1', '10.244.0.2']), slice('bb', ['10.244.1.1'])], pods };
    pipeline.setRegistryInput(input, { kind: 'EndpointSlice', namespace: 'default', serviceName: 'a' });
    await pipeline.flush();
    expect(triggers.at(-1)).toBe('endpoint');
    expect(calls.set).toBe(setsBefore);
    expect(calls.update).toEqual([TYPE_URLS.endpoint]);
    expect(addresses(cache, group, 'outbound|80||a.default.svc.cluster.local')).toBe('10.244.0.1,10.244.0.2');
    expect(addresses(cache, group, 'outbound|80||bb.default.svc.cluster.local')).toBe('10.244.1.1');
    expect(pipeline.registry().endpoints.get('a.default.svc.cluster.local/default')?.map((e) => e.address)).toEqual(['10.244.0.1', '10.244.0.2']);

    // A full rebuild of the same input changes nothing more.
    pipeline.setRegistryInput(input);
    await pipeline.flush();
    expect(calls.set).toBe(setsBefore);
  });

  it('an EndpointSlice of an unknown service pushes nothing', async () => {
    const { calls, pipeline } = setup();
    await pipeline.flush();
    pipeline.resolveGroup(node());
    const before = { set: calls.set, update: calls.update.length };
    pipeline.setRegistryInput({ services: [service('a'), service('bb')], endpointSlices: [slice('a', ['10.244.0.1']), slice('bb', ['10.244.1.1']), slice('zz', ['10.244.2.1'])], pods }, { kind: 'EndpointSlice', namespace: 'default', serviceName: 'zz' });
    await pipeline.flush();
    expect({ set: calls.set, update: calls.update.length }).toEqual(before);
  });
});
