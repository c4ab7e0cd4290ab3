/**
 * The networking.istio.io controllers against a real API server: users apply the YAML they
 * already have and read the verdict in status (Accepted, ResolvedRefs, validationMessages).
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createIstioConfigController, type IstioConfigController } from '../../src/controllers/istio/controller.ts';
import { configKey } from '../../src/controllers/istio/config-store.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { validateBatch } from '../../src/model/batch.ts';
import { ISTIO_KINDS } from '../../src/model/kinds.ts';
import { isIstioKind } from '../../src/model/kinds.ts';
import { clients, createTestNamespace, eventually } from './support/kube.ts';
import { apply, kubectl } from './support/kubectl.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../../shared/scenarios');
const c = clients();
const custom = c.kc.makeApiClient(CustomObjectsApi);
let controller: IstioConfigController;

interface Status {
  observedGeneration?: number;
  conditions?: { type: string; status: string; reason: string; message: string; observedGeneration?: number }[];
  validationMessages?: { type: { code: string } }[];
}

async function readStatus(kind: string, namespace: string, name: string): Promise<{ generation: number; status: Status }> {
  if (!isIstioKind(kind)) throw new Error(kind);
  const obj = (await custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace, plural: ISTIO_KINDS[kind].plural, name })) as {
    metadata: { generation: number };
    status?: Status;
  };
  return { generation: obj.metadata.generation, status: obj.status ?? {} };
}

function condition(status: Status, type: string): { status: string; reason: string; message: string; observedGeneration?: number } | undefined {
  return status.conditions?.find((cond) => cond.type === type);
}

/** Waits until the object's status for its current generation satisfies `check`. */
function waitForStatus(kind: string, namespace: string, name: string, what: string, check: (s: Status) => boolean): Promise<Status> {
  return eventually(`${kind} ${namespace}/${name}: ${what}`, async () => {
    const { generation, status } = await readStatus(kind, namespace, name);
    return status.observedGeneration === generation && check(status) ? status : undefined;
  }, 30_000);
}

const accepted = (s: Status): boolean => condition(s, 'Accepted')?.status === 'True';
const resolved = (s: Status): boolean => condition(s, 'ResolvedRefs')?.status === 'True';

/** The Kubernetes Services each scenario's hosts resolve to (the scenarios assume they exist). */
const SERVICES: Readonly<Record<string, readonly [string, number][]>> = {
  'hello-canary.yaml': [['hello', 80]],
  'bookinfo-gateway.yaml': [['productpage', 9080], ['reviews', 9080]],
  'pay-notify-shift.yaml': [['svcb', 80]],
  'grpc-round-robin.yaml': [],
};

function serviceYaml(name: string, port: number): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - name: http\n      port: ${port}\n`;
}

beforeAll(async () => {
  controller = createIstioConfigController({ kc: c.kc, log: pino({ level: 'silent' }), clock: createRealClock(), isLeader: () => true, analysisQuietMs: 50 });
  await controller.start();
});

afterAll(async () => {
  await controller.stop();
});

describe('status of the scenario objects', () => {
  it.each(Object.keys(SERVICES))('%s: every object is Accepted and its references resolve', async (file) => {
    const namespace = await createTestNamespace(c, 'status');
    const text = readFileSync(resolve(SCENARIOS, file), 'utf8');
    await apply((SERVICES[file] ?? []).map(([n, p]) => serviceYaml(n, p)).join('---\n') || '', namespace).catch(() => '');
    await apply(text, namespace);
    const objects = parseAllDocuments(text)
      .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
      .filter((o): o is { kind: string; metadata: { name: string } } => o !== null && isIstioKind(o.kind));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const status = await waitForStatus(o.kind, namespace, o.metadata.name, 'Accepted and ResolvedRefs', (s) => accepted(s) && resolved(s));
      expect(status.validationMessages?.filter((m) => m.type.code === 'IST0101') ?? []).toEqual([]);
    }
    // weft validate agrees offline: every Istio object of the file is valid.
    const offline = validateBatch([{ source: file, text }]).objects.filter((o) => o.skipped !== true);
    expect(offline.map((o) => `${o.kind}/${o.name}:${String(o.valid)}`)).toEqual(objects.map((o) => `${o.kind}/${o.metadata.name}:true`));
    // Mesh-wide objects (a ServiceEntry's host is visible everywhere) must not leak into later tests.
    const removed = await kubectl(['delete', '-n', namespace, '--wait=true', '-f', '-'], text);
    expect(removed.code, removed.stderr).toBe(0);
  });
});

const REVIEWS_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - match: [{ headers: { end-user: { exact: jason } } }]
      route: [{ destination: { host: reviews, subset: v2 } }]
    - route: [{ destination: { host: reviews, subset: v1 } }]
`;
const REVIEWS_DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
`;

describe('references', () => {
  it('a DestinationRule added later turns the VirtualService ResolvedRefs True', async () => {
    const namespace = await createTestNamespace(c, 'refs');
    await apply(serviceYaml('reviews', 9080), namespace);
    await apply(REVIEWS_VS, namespace);
    const before = await waitForStatus('VirtualService', namespace, 'reviews', 'ResolvedRefs False', (s) => condition(s, 'ResolvedRefs')?.status === 'False');
    expect(condition(before, 'ResolvedRefs')?.reason).toBe('ReferencedResourceNotFound');
    expect(condition(before, 'ResolvedRefs')?.message).toContain('reviews+v2');
    expect(before.validationMessages?.map((m) => m.type.code)).toContain('IST0101');
    expect(accepted(before)).toBe(true);

    await apply(REVIEWS_DR, namespace);
    const after = await waitForStatus('VirtualService', namespace, 'reviews', 'ResolvedRefs True', resolved);
    expect(after.validationMessages ?? []).toEqual([]);
  });
});

const INVALID: readonly { name: string; kind: string; objectName: string; yaml: string; path: string; message: string }[] = [
  {
    name: 'all route weights zero',
    kind: 'VirtualService',
    objectName: 'zero-weights',
    yaml: `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: zero-weights }\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - { destination: { host: reviews, subset: v1 }, weight: 0 }\n        - { destination: { host: reviews, subset: v2 }, weight: 0 }\n`,
    path: 'spec.http[0].route',
    message: 'total destination weight = 0',
  },
  {
    name: 'an HTTP route with no action',
    kind: 'VirtualService',
    objectName: 'no-action',
    yaml: `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: no-action }\nspec:\n  hosts: [reviews]\n  http:\n    - match: [{ uri: { prefix: /x } }]\n`,
    path: 'spec.http[0]',
    message: 'HTTP route, redirect or direct_response is required',
  },
  {
    name: 'a subset name that is not a DNS label',
    kind: 'DestinationRule',
    objectName: 'bad-subset',
    yaml: `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: bad-subset }\nspec:\n  host: reviews\n  subsets:\n    - { name: V_1, labels: { version: v1 } }\n`,
    path: 'spec.subsets[0].name',
    message: 'subset name is invalid: V_1',
  },
];

describe('invalid objects', () => {
  it.each(INVALID)('$name: Accepted=False with the field path and Istio\'s message', async ({ kind, objectName, yaml, path, message }) => {
    const namespace = await createTestNamespace(c, 'invalid');
    await apply(yaml, namespace);
    const status = await waitForStatus(kind, namespace, objectName, 'Accepted False', (s) => condition(s, 'Accepted')?.status === 'False');
    expect(condition(status, 'Accepted')?.reason).toBe('Invalid');
    expect(condition(status, 'Accepted')?.message).toContain(`${path}: ${message}`);
    expect(controller.store.get(configKey(kind, namespace, objectName))?.served).toBeUndefined();
  });

  it.each(INVALID)('weft validate agrees with the cluster on $name', async ({ kind, objectName, yaml }) => {
    const namespace = await createTestNamespace(c, 'agree');
    await apply(yaml, namespace);
    const status = await waitForStatus(kind, namespace, objectName, 'Accepted False', (s) => condition(s, 'Accepted')?.status === 'False');
    const offline = validateBatch([{ source: 'variant.yaml', text: yaml }]).objects;
    expect(offline).toHaveLength(1);
    expect(offline[0]?.valid).toBe(false);
    for (const error of offline[0]?.errors ?? []) expect(condition(status, 'Accepted')?.message).toContain(`${error.path}: ${error.message}`);
  });

  it('an invalid update keeps serving the previous generation, and the condition says so', async () => {
    const namespace = await createTestNamespace(c, 'keep');
    await apply(REVIEWS_VS, namespace);
    await waitForStatus('VirtualService', namespace, 'reviews', 'Accepted', accepted);
    const broken = REVIEWS_VS.replace('route: [{ destination: { host: reviews, subset: v1 } }]', 'match: [{ uri: { prefix: /x } }]');
    await apply(broken, namespace);
    const status = await waitForStatus('VirtualService', namespace, 'reviews', 'Accepted False', (s) => condition(s, 'Accepted')?.status === 'False');
    const cond = condition(status, 'Accepted');
    expect(cond?.reason).toBe('InvalidServingPreviousGeneration');
    expect(cond?.message).toContain('Generation 2 is invalid');
    expect(cond?.message).toContain('Generation 1, the last valid one, is still served.');
    const stored = controller.store.get(configKey('VirtualService', namespace, 'reviews'));
    expect(stored?.served?.generation).toBe(1);
    expect(JSON.stringify(stored?.served?.resource.spec)).toContain('"subset":"v1"');
  });
});
