import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { renderChildren, type KubeObject } from './render/index.ts';
import type { MeshControlPlane } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, 'testdata');
const sharedInstall = resolve(here, '../../../shared/scenarios/install.yaml');
const OPTIONS = { pilotImage: 'ghcr.io/weft-mesh/weft:0.1.0', version: '0.1.0' };

interface Case {
  readonly mcp: MeshControlPlane;
  readonly createNamespace: boolean;
}

function loadCase(file: string): Case {
  const docs = parseAllDocuments(readFileSync(join(testdata, file), 'utf8')).map((d) => d.toJS() as unknown);
  const options = (docs[1] ?? {}) as { createNamespace?: boolean };
  return { mcp: docs[0] as MeshControlPlane, createNamespace: options.createNamespace ?? true };
}

const render = (c: Case): KubeObject[] => renderChildren(c.mcp, { ...OPTIONS, createNamespace: c.createNamespace });
const toYaml = (objects: readonly KubeObject[]): string => objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml')).sort();

describe.each(cases)('%s', (file) => {
  const c = loadCase(file);
  const objects = render(c);

  it('matches its golden output', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot(join(testdata, file.replace('.in.yaml', '.out.yaml')));
  });

  it('gives every child a controller ownerReference to the MeshControlPlane', () => {
    for (const o of objects) {
      expect(o.metadata.ownerReferences, `${o.kind}/${o.metadata.name}`).toEqual([
        { apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', name: c.mcp.metadata.name, uid: c.mcp.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
  });

  it('copies no Argo CD tracking label or annotation onto any child', () => {
    const text = toYaml(objects);
    expect(text).not.toMatch(/app\.kubernetes\.io\/instance|argocd\.argoproj\.io/);
  });

  it('is deterministic and unique by kind, namespace and name', () => {
    expect(toYaml(render(loadCase(file)))).toBe(toYaml(objects));
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('creates the namespace only when asked to', () => {
    expect(objects.some((o) => o.kind === 'Namespace')).toBe(c.createNamespace);
    if (c.createNamespace) expect(objects[0]?.kind).toBe('Namespace');
  });
});

describe('install.yaml', () => {
  const objects = render(loadCase('install.in.yaml'));
  const find = (kind: string, name: string): Record<string, unknown> => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (o === undefined) throw new Error(`missing ${kind}/${name}`);
    return o as unknown as Record<string, unknown>;
  };

  it.skipIf(!existsSync(sharedInstall))('testdata/install.in.yaml has the same spec as shared/scenarios/install.yaml', () => {
    const shared = parseAllDocuments(readFileSync(sharedInstall, 'utf8'))[0]?.toJS() as MeshControlPlane;
    expect(loadCase('install.in.yaml').mcp.spec).toEqual(shared.spec);
    expect(loadCase('install.in.yaml').mcp.metadata.name).toBe(shared.metadata.name);
  });

  it.each([
    ['Deployment', 'istiod'],
    ['Deployment', 'istio-ingressgateway'],
    ['Deployment', 'istio-egressgateway'],
    ['Service', 'istiod'],
    ['Service', 'istio-ingressgateway'],
    ['Service', 'istio-egressgateway'],
    ['ConfigMap', 'istio'],
    ['ServiceAccount', 'istiod'],
    ['ClusterRole', 'weft-istiod-weft-system'],
    ['ClusterRoleBinding', 'weft-istiod-weft-system'],
    ['PodDisruptionBudget', 'istiod'],
    ['Namespace', 'weft-system'],
  ])('renders %s %s', (kind, name) => {
    expect(find(kind, name)).toBeDefined();
  });

  it.each([
    ['istiod', [15010, 15012, 443, 15014], 'ClusterIP'],
    ['istio-ingressgateway', [80, 443], 'LoadBalancer'],
    ['istio-egressgateway', [80, 443], 'ClusterIP'],
  ])('Service %s exposes %j as %s', (name, ports, type) => {
    const spec = find('Service', name).spec as { type: string; ports: { port: number }[] };
    expect(spec.ports.map((p) => p.port)).toEqual(ports);
    expect(spec.type).toBe(type);
  });

  it('points the gateway bootstrap at istiod.<ns>.svc:15010', () => {
    const cm = find('ConfigMap', 'istio-ingressgateway-envoy-bootstrap') as { data: Record<string, string> };
    const bootstrap = JSON.parse(cm.data['envoy.json'] ?? '{}') as { static_resources: { clusters: unknown[] } };
    expect(JSON.stringify(bootstrap.static_resources.clusters)).toContain('{"socket_address":{"address":"istiod.weft-system.svc","port_value":15010}}');
  });

  it.each([
    ['istio-ingressgateway', 'ingressgateway'],
    ['istio-egressgateway', 'egressgateway'],
  ])('labels %s pods istio=%s and gives them a router~ node id', (name, label) => {
    const d = find('Deployment', name) as { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { args: string[] }[] } } } };
    expect(d.spec.template.metadata.labels.istio).toBe(label);
    expect(d.spec.template.spec.containers[0]?.args).toContain(`node: {id: 'router~$(POD_IP)~$(POD_NAME).weft-system~weft-system.svc.cluster.local', cluster: '${name}.weft-system'}`);
  });

  it('runs weft discovery in istiod with the REGISTRY_ONLY mesh config', () => {
    const d = find('Deployment', 'istiod') as { spec: { template: { spec: { containers: { args: string[]; image: string }[] } } } };
    expect(d.spec.template.spec.containers[0]?.args).toEqual(['discovery']);
    expect(d.spec.template.spec.containers[0]?.image).toBe(OPTIONS.pilotImage);
    expect((find('ConfigMap', 'istio') as { data: { mesh: string } }).data.mesh).toContain('mode: REGISTRY_ONLY');
  });
});

describe('spec changes', () => {
  const base = loadCase('install.in.yaml');
  const names = (c: Case): string[] => render(c).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  const withGateways = (ingress: unknown[], egress: unknown[]): Case => ({
    ...base,
    mcp: { ...base.mcp, spec: { ...base.mcp.spec, components: { ingressGateways: ingress, egressGateways: egress } } } as MeshControlPlane,
  });

  it.each([
    ['both gateways', [{ name: 'istio-ingressgateway' }], [{ name: 'istio-egressgateway' }], ['istio-egressgateway', 'istio-ingressgateway', 'istiod']],
    ['egress disabled', [{ name: 'istio-ingressgateway' }], [{ name: 'istio-egressgateway', enabled: false }], ['istio-ingressgateway', 'istiod']],
    ['a second ingress', [{ name: 'istio-ingressgateway' }, { name: 'second' }], [], ['istio-ingressgateway', 'istiod', 'second']],
    ['no gateways', [], [], ['istiod']],
  ])('%s → Deployments %j', (_n, ingress, egress, expected) => {
    expect(names(withGateways(ingress, egress))).toEqual(expected);
  });
});

describe('discovery RBAC', () => {
  const crdsDir = resolve(here, '../../crds');
  it('covers exactly the networking.istio.io kinds whose CRDs Weft ships', async () => {
    const { ISTIO_NETWORKING_RESOURCES } = await import('./render/rbac.ts');
    const istioDir = join(crdsDir, 'networking.istio.io');
    const plurals = readdirSync(istioDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => (parseAllDocuments(readFileSync(join(istioDir, f), 'utf8'))[0]?.toJS() as { spec: { names: { plural: string } } }).spec.names.plural)
      .sort();
    expect([...ISTIO_NETWORKING_RESOURCES]).toEqual(plurals);
  });
});
