import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { IstioResource } from '../model/types.ts';
import { DEFAULT_MESH_CONFIG } from '../registry/mesh-config.ts';
import { createXdsMetrics } from '../xds/index.ts';
import type { StreamCore } from '../xds/stream-core.ts';
import { TYPE_URLS } from '../xds/type-urls.ts';
import { configEvents, createDiscoveryMetrics } from './metrics.ts';

function setup(streams: readonly StreamCore[] = []) {
  const registry = new Registry();
  const xds = createXdsMetrics(registry);
  const metrics = createDiscoveryMetrics(registry, xds, () => streams);
  return { registry, xds, metrics };
}

const vs = (name: string, generation?: number): IstioResource =>
  ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default', ...(generation === undefined ? {} : { generation }) }, spec: {} });

describe('discovery metrics', () => {
  it.each([
    ['pilot_xds 1', (x: ReturnType<typeof setup>) => { x.xds.streams.inc({ kind: 'sotw' }); x.xds.streams.inc({ kind: 'delta' }); x.xds.streams.dec({ kind: 'sotw' }); }],
    ['pilot_xds_pushes{type="cds"} 2', (x: ReturnType<typeof setup>) => { x.xds.pushes.inc({ type: 'cds' }); x.xds.pushes.inc({ type: 'cds' }); }],
    ['pilot_xds_config_size_bytes_sum{type="eds"} 1234', (x: ReturnType<typeof setup>) => { x.xds.pushBytes.inc({ type: 'eds' }, 1234); }],
    ['pilot_xds_push_time_count{type="lds"} 1', (x: ReturnType<typeof setup>) => { x.xds.pushTime.observe({ type: 'lds' }, 0.002); }],
    ['pilot_xds_send_time_count 1', (x: ReturnType<typeof setup>) => { x.xds.pushTime.observe({ type: 'lds' }, 0.002); }],
    ['pilot_total_xds_rejects{type="rds"} 1', (x: ReturnType<typeof setup>) => { x.xds.nacks.inc({ type: 'rds' }); }],
    ['pilot_proxy_convergence_time_count 1', (x: ReturnType<typeof setup>) => { x.xds.convergence.observe(0.2); }],
    ['pilot_push_triggers{type="endpoint"} 1', (x: ReturnType<typeof setup>) => { x.metrics.observer.trigger?.('endpoint'); }],
    ['pilot_debounce_time_count 1', (x: ReturnType<typeof setup>) => { x.metrics.observer.debounced?.(0.1); }],
    ['pilot_services 7', (x: ReturnType<typeof setup>) => { x.metrics.observer.rebuilt?.({ full: true, services: 7, virtualServices: 3, seconds: 0.1 }); }],
    ['pilot_virt_services 3', (x: ReturnType<typeof setup>) => { x.metrics.observer.rebuilt?.({ full: true, services: 7, virtualServices: 3, seconds: 0.1 }); }],
    ['pilot_k8s_reg_events{type="EndpointSlice",event="update"} 1', (x: ReturnType<typeof setup>) => { x.metrics.registryEvent('EndpointSlice', 'update'); }],
    ['pilot_k8s_reg_events{type="Services",event="add"} 1', (x: ReturnType<typeof setup>) => { x.metrics.registryEvent('Service', 'add'); }],
    ['pilot_k8s_cfg_events{type="VirtualService",event="add"} 1', (x: ReturnType<typeof setup>) => { x.metrics.servedChanged([vs('a')]); }],
    ['weft_mesh_config_refused 1', (x: ReturnType<typeof setup>) => { x.metrics.meshState({ source: 'present', mesh: DEFAULT_MESH_CONFIG, error: 'bad' }); }],
    ['weft_mesh_config_outbound_registry_only 1', (x: ReturnType<typeof setup>) => { x.metrics.meshState({ source: 'present', mesh: { ...DEFAULT_MESH_CONFIG, outboundTrafficPolicy: 'REGISTRY_ONLY' } }); }],
    ['weft_mesh_config_updates_total{result="applied"} 1', (x: ReturnType<typeof setup>) => { x.metrics.meshState({ source: 'present', mesh: DEFAULT_MESH_CONFIG }); }],
  ])('%s', async (line, act) => {
    const x = setup();
    act(x);
    expect((await x.registry.metrics()).split('\n')).toContain(line);
  });

  it.each(['pilot_xds_pushes', 'pilot_xds_push_time', 'pilot_xds_send_time', 'pilot_xds_config_size_bytes'])('%s sees pushes the xDS server has only recorded', async (name) => {
    const x = setup();
    x.xds.recordPush('eds', 300, 0.001);
    expect(await x.registry.getSingleMetricAsString(name)).toMatch(/(pilot_xds_pushes\{type="eds"\} 1|_count(\{type="eds"\})? 1)$/m);
  });

  it('keeps the weft_* series the xDS server feeds', async () => {
    const x = setup();
    x.xds.pushes.inc({ type: 'cds' });
    expect(await x.registry.metrics()).toContain('weft_xds_pushes_total{type="cds"} 1');
  });

  it('reports a rejected type per node from the open streams', async () => {
    const rejecting = {
      node: { id: 'sidecar~1~a.b~b.svc.cluster.local' },
      types: new Map([[TYPE_URLS.cluster, { typeUrl: TYPE_URLS.cluster, rejected: new Map([['c', 'v1']]), lastNack: { message: 'bad cluster' } }]]),
    } as unknown as StreamCore;
    const x = setup([rejecting]);
    const text = await x.registry.metrics();
    expect(text).toContain('pilot_xds_cds_reject{node="sidecar~1~a.b~b.svc.cluster.local",err="bad cluster"} 1');
    expect(text).not.toContain('pilot_xds_eds_reject{');
  });
});

describe('configEvents', () => {
  const a = vs('a', 1);
  it.each([
    ['added', [], [a], [{ type: 'VirtualService', event: 'add' }]],
    ['deleted', [a], [], [{ type: 'VirtualService', event: 'delete' }]],
    ['same object', [a], [a], []],
    ['same generation', [a], [vs('a', 1)], []],
    ['new generation', [a], [vs('a', 2)], [{ type: 'VirtualService', event: 'update' }]],
  ])('%s', (_name, previous, next, events) => {
    expect(configEvents(previous, next)).toEqual(events);
  });
});
