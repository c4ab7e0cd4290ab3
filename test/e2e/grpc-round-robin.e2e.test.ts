/**
 * Scenario grpc-round-robin end to end: Kubernetes writes the EndpointSlices (kwok pods whose IPs
 * live in the pod network namespace), Weft's discovery translates them, and a real proxyless
 * gRPC client (@grpc/grpc-js-xds) balances 3,000 calls over one channel across three real servers.
 */
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDiscovery } from '../../src/discovery/run.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { clients, createTestNamespace, eventually } from './support/kube.ts';
import { apply } from './support/kubectl.ts';
import { startEchoWorkload, type Workload } from './support/workloads.ts';

register();

const SCENARIO = resolve(import.meta.dirname, '../../../shared/scenarios/grpc-round-robin.yaml');
const netns = inject('podNetns');
const c = clients();
const abort = new AbortController();
let discovery: Promise<void> | undefined;
let ports: { xds: number; monitoring: number } | undefined;
const workloads: Workload[] = [];

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: backend }
spec:
  replicas: 3
  selector: { matchLabels: { app: backend } }
  template:
    metadata: { labels: { app: backend } }
    spec: { containers: [{ name: backend, image: registry.invalid/backend:1, ports: [{ containerPort: 8000 }] }] }
`;

function bootstrap(namespace: string): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${ports?.xds ?? 0}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: {
      id: `sidecar~10.245.255.254~client.${namespace}~${namespace}.svc.cluster.local`,
      locality: {},
      metadata: { GENERATOR: 'grpc', NAMESPACE: namespace },
    },
  });
}

function call(client: grpc.Client): Promise<string> {
  return new Promise((done) => {
    client.makeUnaryRequest('/weft.test.Echo/Echo', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, value) => {
      done(err === null && value !== undefined ? value.toString() : `error:${err?.code ?? '?'}`);
    });
  });
}

beforeAll(async () => {
  discovery = runDiscovery({
    kc: c.kc,
    log: pino({ level: 'warn' }),
    clock: createRealClock(),
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    leaderElect: false,
    leaseNamespace: 'default',
    identity: 'e2e',
    signal: abort.signal,
    onServing: (p) => (ports = p),
  });
  await eventually('discovery serving', () => Promise.resolve(ports));
});

afterAll(async () => {
  await Promise.all(workloads.map((w) => w.stop()));
  abort.abort();
  await discovery;
});

describe.skipIf(netns === '')('grpc-round-robin', () => {
  it('balances 3,000 calls over one channel evenly across 3 backends found through EndpointSlices', async () => {
    const namespace = await createTestNamespace(c, 'grpc-rr');
    await apply(readFileSync(SCENARIO, 'utf8'), namespace);
    await apply(DEPLOYMENT, namespace);
    const pods = await eventually('3 backend pods running with IPs', async () => {
      const list = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=backend' });
      const running = list.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP !== undefined);
      return running.length === 3 ? running : undefined;
    });
    for (const pod of pods) workloads.push(await startEchoWorkload(netns, pod.status?.podIP ?? '', 8000, pod.metadata?.name ?? ''));
    await eventually('3 ready endpoints in /debug/endpointz', async () => {
      const res = await fetch(`http://127.0.0.1:${ports?.monitoring ?? 0}/debug/endpointz`);
      const services = (await res.json()) as { hostname: string; endpoints: unknown[] }[];
      return services.find((s) => s.hostname === `backend.${namespace}.svc.cluster.local`)?.endpoints.length === 3;
    });

    const client = new grpc.Client(`xds:///backend.${namespace}.svc.cluster.local:8000`, grpc.credentials.createInsecure(), {
      'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': bootstrap(namespace),
    });
    try {
      const counts = new Map<string, number>();
      for (let i = 0; i < 3000; i++) {
        const who = await call(client);
        counts.set(who, (counts.get(who) ?? 0) + 1);
      }
      const names = pods.map((p) => p.metadata?.name ?? '').sort();
      expect([...counts.keys()].sort()).toEqual(names);
      for (const name of names) {
        const share = (counts.get(name) ?? 0) / 3000;
        expect(Math.abs(share - 1 / 3), `${name} served ${(share * 100).toFixed(1)}%`).toBeLessThanOrEqual(0.05);
      }
    } finally {
      client.close();
    }
  });
});
