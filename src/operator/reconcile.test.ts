import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createStatusWriter, type StatusClient } from '../kube/status-writer.ts';
import type { KubeObject } from './render/common.ts';
import { reconcileMeshControlPlane, staleChildren, type ChildRef, type ReconcilePorts } from './reconcile.ts';
import type { ObservedDeployment } from './status.ts';
import type { MeshControlPlane, MeshControlPlaneSpec, MeshControlPlaneStatus } from './types.ts';

const log = pino({ level: 'silent' });
const NOW = new Date('2026-11-22T03:00:00Z');
const refKey = (o: ChildRef): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const install: MeshControlPlaneSpec = {
  namespace: 'weft-system',
  meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
  components: { pilot: { replicas: 1 }, ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }], egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
};

const mcp = (name: string, spec: MeshControlPlaneSpec, extra: Partial<MeshControlPlane['metadata']> = {}): MeshControlPlane => ({
  apiVersion: 'mesh.weft.dev/v1alpha1',
  kind: 'MeshControlPlane',
  metadata: { name, uid: `uid-${name}`, generation: 1, creationTimestamp: '2026-11-22T01:00:00Z', ...extra },
  spec,
});

/** In-memory state behind the reconcile ports (applied objects, Deployment status, MCP status); Kubernetes itself is tested in e2e. */
function fakePorts(mcps: MeshControlPlane[]) {
  const objects = new Map<string, KubeObject>();
  const statuses = new Map<string, { rv: number; status?: MeshControlPlaneStatus }>();
  const deployments = new Map<string, ObservedDeployment>();
  const events: string[] = [];
  const deleted: string[] = [];
  let applyCount = 0;
  let failApply: string | undefined;
  let namespaces = new Map<string, { metadata: { name: string; ownerReferences?: { uid: string }[] } }>();
  const statusClient: StatusClient<MeshControlPlaneStatus> = {
    read: (name) => {
      const m = mcps.find((x) => x.metadata.name === name);
      if (m === undefined) return Promise.resolve(undefined);
      const s = statuses.get(name) ?? { rv: 1 };
      return Promise.resolve({ resourceVersion: String(s.rv), generation: m.metadata.generation ?? 0, ...(s.status !== undefined ? { status: s.status } : {}) });
    },
    patchStatus: (name, rv, status) => {
      const s = statuses.get(name) ?? { rv: 1 };
      if (String(s.rv) !== rv) return Promise.reject(new Error('409'));
      statuses.set(name, { rv: s.rv + 1, status });
      return Promise.resolve(String(s.rv + 1));
    },
    isConflict: (err) => err instanceof Error && err.message === '409',
  };
  const writer = createStatusWriter(statusClient, { log, delayMs: 0 });
  const ports: ReconcilePorts = {
    getMeshControlPlane: (name) => {
      const m = mcps.find((x) => x.metadata.name === name);
      const s = statuses.get(name)?.status;
      return m === undefined ? undefined : { ...m, ...(s !== undefined ? { status: s } : {}) };
    },
    listMeshControlPlanes: () => mcps,
    getNamespace: (name) => namespaces.get(name),
    listOwnedChildren: (owner) => [...objects.values()].filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)),
    deployments: (namespace) => new Map([...deployments].filter(([, d]) => d.metadata.namespace === namespace)),
    apply: (objs) => {
      applyCount++;
      for (const o of objs) {
        if (o.metadata.name === failApply) return Promise.resolve({ ok: false, object: refKey(o), error: 'admission webhook denied' });
        objects.set(refKey(o), o);
      }
      return Promise.resolve({ ok: true });
    },
    create: (o) => {
      if (namespaces.has(o.metadata.name)) return Promise.resolve({ type: 'exists' });
      objects.set(refKey(o), o);
      // The namespace informer sees it: with our ownerReference.
      namespaces.set(o.metadata.name, { metadata: { name: o.metadata.name, ownerReferences: (o.metadata.ownerReferences ?? []).map((r) => ({ uid: r.uid })) } });
      return Promise.resolve({ type: 'created' });
    },
    delete: (child) => {
      deleted.push(refKey(child));
      objects.delete(refKey(child));
      return Promise.resolve({ ok: true });
    },
    writeStatus: (name, compute) => writer.write(name, compute),
    recordEvent: (m, type, reason) => events.push(`${m.metadata.name} ${type} ${reason}`),
  };
  const ctx = { ports, render: { pilotImage: 'weft:test', version: '0.1.0' }, now: () => NOW, log };
  return {
    ctx,
    objects,
    statuses,
    deployments,
    events,
    deleted,
    applies: () => applyCount,
    failApplyOf: (name: string) => (failApply = name),
    setNamespaces: (n: typeof namespaces) => (namespaces = n),
    condition: (name: string, type: string) => statuses.get(name)?.status?.conditions?.find((c) => c.type === type),
  };
}

const ready = (name: string): ObservedDeployment => ({
  metadata: { name, namespace: 'weft-system', generation: 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
});

describe('reconcileMeshControlPlane', () => {
  it('applies every child of install.yaml and reports Reconciled, then Ready once Deployments are available', async () => {
    const c = fakePorts([mcp('default', install)]);
    await expect(reconcileMeshControlPlane('default', c.ctx)).resolves.toEqual({ type: 'done' });
    expect([...c.objects.keys()].filter((k) => k.startsWith('Deployment/')).sort()).toEqual(['Deployment/weft-system/istio-egressgateway', 'Deployment/weft-system/istio-ingressgateway', 'Deployment/weft-system/istiod']);
    expect(c.objects.has('Namespace//weft-system')).toBe(true);
    expect(c.condition('default', 'Reconciled')).toMatchObject({ status: 'True', reason: 'Applied', observedGeneration: 1 });
    expect(c.condition('default', 'Ready')).toMatchObject({ status: 'False', reason: 'IstiodNotReady' });
    for (const d of ['istiod', 'istio-ingressgateway', 'istio-egressgateway']) c.deployments.set(d, ready(d));
    await reconcileMeshControlPlane('default', c.ctx);
    expect(c.condition('default', 'Ready')).toMatchObject({ status: 'True', reason: 'ComponentsReady' });
    expect(c.statuses.get('default')?.status?.components).toHaveLength(3);
    expect(c.events).toEqual(['default Warning IstiodNotReady', 'default Normal ComponentsReady']);
  });

  it('writes no status when nothing changed (no churn)', async () => {
    const c = fakePorts([mcp('default', install)]);
    await reconcileMeshControlPlane('default', c.ctx);
    const rv = c.statuses.get('default')?.rv;
    await reconcileMeshControlPlane('default', c.ctx);
    await reconcileMeshControlPlane('default', c.ctx);
    expect(c.statuses.get('default')?.rv).toBe(rv);
  });

  it('prunes the children of a gateway that was disabled', async () => {
    const mcps = [mcp('default', install)];
    const c = fakePorts(mcps);
    await reconcileMeshControlPlane('default', c.ctx);
    mcps[0] = mcp('default', { ...install, components: { ...install.components, egressGateways: [{ name: 'istio-egressgateway', enabled: false }] } }, { generation: 2 });
    await reconcileMeshControlPlane('default', c.ctx);
    expect(c.deleted).toEqual([
      'PodDisruptionBudget/weft-system/istio-egressgateway',
      'Deployment/weft-system/istio-egressgateway',
      'Service/weft-system/istio-egressgateway',
      'ConfigMap/weft-system/istio-egressgateway-envoy-bootstrap',
      'ServiceAccount/weft-system/istio-egressgateway-service-account',
    ]);
    expect(c.condition('default', 'Reconciled')?.observedGeneration).toBe(2);
  });

  type Namespaces = Map<string, { metadata: { name: string; ownerReferences?: { uid: string }[] } }>;
  it.each<[string, Namespaces, boolean]>([
    ['absent', new Map(), true],
    ['created by Weft earlier', new Map([['weft-system', { metadata: { name: 'weft-system', ownerReferences: [{ uid: 'uid-default' }] } }]]), true],
    ['pre-existing', new Map([['weft-system', { metadata: { name: 'weft-system' } }]]), false],
  ])('namespace %s → Weft owns it: %s', async (_n, namespaces, owned) => {
    const c = fakePorts([mcp('default', install)]);
    c.setNamespaces(namespaces);
    await reconcileMeshControlPlane('default', c.ctx);
    expect(c.objects.has('Namespace//weft-system')).toBe(owned);
  });

  it('does not adopt a namespace that appeared before the cache saw it (create answers exists)', async () => {
    const c = fakePorts([mcp('default', install)]);
    const created: string[] = [];
    const ports = c.ctx.ports;
    const ctx = { ...c.ctx, ports: { ...ports, getNamespace: () => undefined, create: (o: KubeObject) => (created.push(o.kind), Promise.resolve({ type: 'exists' as const })) } };
    await expect(reconcileMeshControlPlane('default', ctx)).resolves.toEqual({ type: 'done' });
    expect(created).toEqual(['Namespace']);
    expect(c.objects.has('Namespace//weft-system')).toBe(false);
    expect(c.condition('default', 'Reconciled')).toMatchObject({ status: 'True' });
  });

  it('refuses an invalid spec with a terminal outcome, touching no child', async () => {
    const mcps = [mcp('default', install)];
    const c = fakePorts(mcps);
    await reconcileMeshControlPlane('default', c.ctx);
    const applies = c.applies();
    mcps[0] = mcp('default', { ...install, components: { ingressGateways: [{ name: 'istiod' }] } }, { generation: 2 });
    const outcome = await reconcileMeshControlPlane('default', c.ctx);
    expect(outcome.type).toBe('terminal');
    expect(c.applies()).toBe(applies);
    expect(c.deleted).toEqual([]);
    expect(c.condition('default', 'Reconciled')).toMatchObject({ status: 'False', reason: 'InvalidSpec', observedGeneration: 2 });
    expect(c.condition('default', 'Reconciled')?.message).toContain('gateway name "istiod" is reserved');
    expect(c.events).toEqual(['default Warning IstiodNotReady', 'default Warning InvalidSpec']);
  });

  it('gives the younger of two MeshControlPlanes in one namespace NamespaceConflict', async () => {
    const c = fakePorts([mcp('first', install), mcp('second', install, { creationTimestamp: '2026-11-22T02:00:00Z' })]);
    await expect(reconcileMeshControlPlane('first', c.ctx)).resolves.toEqual({ type: 'done' });
    const applies = c.applies();
    const outcome = await reconcileMeshControlPlane('second', c.ctx);
    expect(outcome.type).toBe('terminal');
    expect(c.applies()).toBe(applies);
    expect(c.condition('second', 'Reconciled')).toMatchObject({ status: 'False', reason: 'NamespaceConflict' });
    expect(c.condition('second', 'Ready')).toMatchObject({ status: 'False', reason: 'NamespaceConflict' });
    expect(c.condition('first', 'Reconciled')).toMatchObject({ status: 'True' });
  });

  it('retries when an apply fails, saying which object and why', async () => {
    const c = fakePorts([mcp('default', install)]);
    c.failApplyOf('istio-ingressgateway');
    const outcome = await reconcileMeshControlPlane('default', c.ctx);
    expect(outcome.type).toBe('retry');
    expect(c.condition('default', 'Reconciled')).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
    expect(c.condition('default', 'Reconciled')?.message).toMatch(/^applying .*istio-ingressgateway: admission webhook denied$/);
  });

  it.each([
    ['gone', []],
    ['being deleted', [mcp('default', install, { deletionTimestamp: '2026-11-22T02:00:00Z' })]],
  ])('does nothing for a MeshControlPlane that is %s', async (_n, mcps) => {
    const c = fakePorts(mcps);
    await expect(reconcileMeshControlPlane('default', c.ctx)).resolves.toEqual({ type: 'done' });
    expect(c.applies()).toBe(0);
    expect(c.statuses.size).toBe(0);
  });
});

describe('staleChildren', () => {
  const ref = (kind: string, name: string): ChildRef => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'ns' } });
  it.each([
    ['nothing owned', [], [ref('Service', 'a')], []],
    ['all desired', [ref('Service', 'a')], [ref('Service', 'a')], []],
    ['one gone', [ref('Service', 'a'), ref('Service', 'b')], [ref('Service', 'a')], ['b']],
    ['same name, other kind', [ref('ConfigMap', 'a')], [ref('Service', 'a')], ['a']],
    ['never the namespace', [ref('Namespace', 'ns'), ref('Service', 'b')], [], ['b']],
  ])('%s', (_n, owned, desired, expected) => {
    expect(staleChildren(owned, desired).map((o) => o.metadata.name)).toEqual(expected);
  });
});
