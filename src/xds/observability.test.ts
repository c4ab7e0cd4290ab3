/**
 * A NACK from a real grpc-js-xds client shows up in CSDS, /debug/syncz and the metrics, and the
 * rejected content is not re-sent until it changes.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from './contract/backends.ts';
import { anyPath, scenarioResources } from './contract/scenario.ts';
import { openXdsChannel, type XdsTestChannel } from './contract/xds-client.ts';
import { createDebugHandlers, createDebugServer } from './debug-http.ts';
import { loadAssignment } from './fixtures.ts';
import { messageType } from './protos.ts';
import type { ResourceSet } from './snapshot-cache.ts';
import { startHarness, until, type Harness } from './testing/harness.ts';
import { TYPE_URLS } from './type-urls.ts';

type Plain = Record<string, unknown>;

let h: Harness;
let backend: Backend;
let channel: XdsTestChannel;
let debugPort: number;
let closeDebug: () => void;

function resources(lbPolicy: string): ResourceSet {
  const set = scenarioResources({ target: 'nacky', clusters: [{ name: 'nacky-c', backends: [backend] }], routes: [{ match: anyPath, route: { cluster: 'nacky-c' } }] });
  const clusters = (set[TYPE_URLS.cluster] ?? []).map((c) => ({ ...c, lb_policy: lbPolicy }));
  return { ...set, [TYPE_URLS.cluster]: clusters };
}

async function fetchCsds(): Promise<Plain> {
  const client = new grpc.Client(h.address, grpc.credentials.createInsecure());
  const req = messageType('envoy.service.status.v3.ClientStatusRequest');
  const res = messageType('envoy.service.status.v3.ClientStatusResponse');
  try {
    return await new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        '/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus',
        (r: Plain) => Buffer.from(req.encode(req.fromObject(r)).finish()),
        (b: Buffer) => res.toObject(res.decode(b), { enums: String, longs: Number }),
        { node_matchers: [{ node_id: { exact: 'contract-nacky' } }] },
        (err, value) => {
          if (err === null && value !== undefined) resolve(value);
          else reject(err ?? new Error('no CSDS response'));
        },
      );
    });
  } finally {
    client.close();
  }
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${debugPort}${path}`);
  return response.json();
}

const cdsPushes = async (): Promise<number> => (await h.server.metrics.pushes.get()).values.find((v) => v.labels.type === 'cds')?.value ?? 0;

beforeAll(async () => {
  h = await startHarness({ resolveGroup: (node) => node.id });
  backend = await startBackend('nacky');
  const debug = await createDebugServer(createDebugHandlers({ streamCores: () => h.server.streamCores(), cache: h.cache, registry: h.server.metrics.registry }), '127.0.0.1', 0);
  debugPort = debug.port;
  closeDebug = () => debug.server.close();
  channel = openXdsChannel(h.address, 'nacky');
});

afterAll(async () => {
  channel.close();
  closeDebug();
  await backend.stop();
  await h.stop();
});

describe('a NACK is visible and not answered with the same content', () => {
  it('shows in CSDS, /debug/syncz and metrics, and the rejected cluster is re-sent only once fixed', async () => {
    h.cache.setResources('contract-nacky', resources('LEAST_REQUEST'));
    const failed = await channel.call({ deadlineMs: 3_000 });
    expect(failed.ok).toBe(false);
    await until(() => h.server.streams().some((s) => s.types.some((t) => t.type === 'cds' && t.lastNack !== undefined)), 5_000, 'a CDS NACK');

    const csds = await fetchCsds();
    const configs = ((csds.config as Plain[])[0]?.generic_xds_configs ?? []) as Plain[];
    const cds = configs.find((c) => c.type_url === TYPE_URLS.cluster);
    expect(cds).toMatchObject({ name: 'nacky-c', config_status: 'ERROR', client_status: 'NACKED' });
    expect(String((cds?.error_state as Plain).details)).toMatch(/LEAST_REQUEST|lb_policy/i);

    const sync = (await getJson('/debug/syncz')) as { proxyID: string; types: { type: string; status: string; lastNack?: { message: string } }[] }[];
    const syncCds = sync.find((p) => p.proxyID === 'contract-nacky')?.types.find((t) => t.type === 'cds');
    expect(syncCds?.status).toBe('ERROR');
    expect(syncCds?.lastNack?.message).toMatch(/lb_policy|LEAST_REQUEST/i);

    const metricsText = await (await fetch(`http://127.0.0.1:${debugPort}/metrics`)).text();
    expect(metricsText).toMatch(/weft_xds_nacks_total\{type="cds"\} [1-9]/);

    const pushesAfterNack = await cdsPushes();
    const unrelated = h.cache.updateResources('contract-nacky', TYPE_URLS.endpoint, { upsert: [loadAssignment('nacky-c', [{ address: '127.0.0.1', port: backend.port }, { address: '127.0.0.2', port: backend.port }])] });
    if (!unrelated.ok) throw new Error('publish refused');
    await unrelated.publish.converged;
    h.cache.setResources('contract-nacky', resources('LEAST_REQUEST'));
    expect(await cdsPushes()).toBe(pushesAfterNack);

    h.cache.setResources('contract-nacky', resources('ROUND_ROBIN'));
    await until(() => h.server.streams().some((s) => s.types.some((t) => t.type === 'cds' && t.status === 'SYNCED')), 5_000, 'fixed CDS ACKed');
    expect(await cdsPushes()).toBe(pushesAfterNack + 1);
    const dump = (await getJson('/debug/config_dump?proxyID=contract-nacky')) as { types: { typeUrl: string; resources: { name: string; resource?: Plain }[] }[] }[];
    const dumpedCluster = dump[0]?.types.find((t) => t.typeUrl === TYPE_URLS.cluster)?.resources[0];
    expect(dumpedCluster?.resource).toMatchObject({ name: 'nacky-c', lb_policy: 'ROUND_ROBIN' });
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) ok = (await channel.call({ deadlineMs: 3_000 })).ok;
    expect(ok).toBe(true);
  });

  it('answers config_dump without proxyID with 400 and unknown proxies with 404', async () => {
    expect((await fetch(`http://127.0.0.1:${debugPort}/debug/config_dump`)).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${debugPort}/debug/config_dump?proxyID=nobody`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${debugPort}/nothing`)).status).toBe(404);
  });
});
