/**
 * The operator-rendered ValidatingWebhookConfiguration (istio-validator-<ns>, no caBundle) gets
 * its caBundle from a discovery process; the operator's own server-side apply of the same object
 * neither conflicts with nor removes it; and a caBundle someone removes is put back.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyObjects, kubeRequest } from '../../src/kube/apply.ts';
import type { ManifestObject } from '../../src/kube/manifests.ts';
import { OPERATOR_FIELD_MANAGER } from '../../src/operator/writes.ts';
import { renderChildren } from '../../src/operator/render/index.ts';
import type { MeshControlPlane } from '../../src/operator/types.ts';
import { CA_BUNDLE_FIELD_MANAGER } from '../../src/webhook/ca-bundle.ts';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, createTestNamespace, eventually } from './support/kube.ts';
import { kubectl } from './support/kubectl.ts';

const c = clients();
const mcpName = `whca-${randomBytes(3).toString('hex')}`;
const MCP_PATH = `/apis/mesh.weft.dev/v1alpha1/meshcontrolplanes/${mcpName}`;
const VWC_BASE = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
let namespace = '';
let discovery: RunningDiscovery | undefined;

interface Vwc {
  metadata: { managedFields?: { manager: string; fieldsV1?: unknown }[] };
  webhooks: { name: string; clientConfig: { caBundle?: string; service?: unknown } }[];
}

const configName = (): string => `istio-validator-${namespace}`;
const readVwc = async (): Promise<Vwc> => (await kubeRequest(c.kc, 'GET', `${VWC_BASE}/${configName()}`)) as Vwc;

/** What the operator applies for the MeshControlPlane, under its field manager. */
async function applyAsOperator(): Promise<void> {
  const mcp = (await kubeRequest(c.kc, 'GET', MCP_PATH)) as MeshControlPlane;
  const vwc = renderChildren(mcp, { pilotImage: 'weft:e2e', version: '0.1.0', createNamespace: false }).find((o) => o.kind === 'ValidatingWebhookConfiguration');
  if (vwc === undefined) throw new Error('the operator renders no ValidatingWebhookConfiguration');
  expect(JSON.stringify(vwc)).not.toContain('caBundle');
  await applyObjects(c.kc, [JSON.parse(JSON.stringify(vwc)) as ManifestObject], OPERATOR_FIELD_MANAGER);
}

async function caPem(): Promise<string> {
  const secret = (await kubeRequest(c.kc, 'GET', `/api/v1/namespaces/${namespace}/secrets/weft-webhook-ca`)) as { data: Record<string, string> };
  return secret.data['ca.crt'] ?? '';
}

beforeAll(async () => {
  namespace = await createTestNamespace(c, 'whca');
  await kubeRequest(c.kc, 'POST', '/apis/mesh.weft.dev/v1alpha1/meshcontrolplanes', { apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', metadata: { name: mcpName }, spec: { namespace } });
  await applyAsOperator();
  discovery = await startDiscovery(c.kc, { webhook: { host: '127.0.0.1', port: 0, namespace, caSecret: 'weft-webhook-ca', service: 'istiod', configName: configName() } });
}, 120_000);

afterAll(async () => {
  await discovery?.stop();
  await kubeRequest(c.kc, 'DELETE', MCP_PATH).catch(() => undefined);
  await kubeRequest(c.kc, 'DELETE', `${VWC_BASE}/${configName()}`).catch(() => undefined);
  if (namespace !== '') await c.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('the operator-rendered webhook configuration', () => {
  it('gets the CA of the discovery namespace\'s Secret as its caBundle, owned by the webhook\'s field manager', async () => {
    const ca = await caPem();
    const vwc = await eventually('caBundle patched', async () => { const v = await readVwc(); return v.webhooks[0]?.clientConfig.caBundle === ca ? v : undefined; });
    expect(vwc.webhooks[0]?.clientConfig.service).toEqual({ name: 'istiod', namespace, port: 443, path: '/validate' });
    const owners = (vwc.metadata.managedFields ?? []).filter((m) => JSON.stringify(m.fieldsV1).includes('f:caBundle')).map((m) => m.manager);
    expect(owners).toEqual([CA_BUNDLE_FIELD_MANAGER]);
  });

  it('keeps its caBundle when the operator applies it again (no fight over the field)', async () => {
    const ca = await caPem();
    await applyAsOperator();
    expect((await readVwc()).webhooks[0]?.clientConfig.caBundle).toBe(ca);
    // And while it is in place, an Istio apply goes through (the API server may not reach the
    // Service's ClusterIP here: failurePolicy Ignore admits). The time is printed, not asserted.
    const start = performance.now();
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'probe', namespace }, spec: { host: 'probe' } }));
    process.stderr.write(`[webhook-ca-bundle] dry-run apply through the Service-based configuration: ${String(Math.round(performance.now() - start))} ms\n`);
    expect(r.code).toBe(0);
  });

  it('gets its caBundle back when someone removes it', async () => {
    const ca = await caPem();
    await kubeRequest(c.kc, 'PATCH', `${VWC_BASE}/${configName()}?fieldManager=someone`, [{ op: 'remove', path: '/webhooks/0/clientConfig/caBundle' }], 'application/json-patch+json');
    await eventually('caBundle restored', async () => (await readVwc()).webhooks[0]?.clientConfig.caBundle === ca);
  });
});
