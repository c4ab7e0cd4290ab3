/**
 * The validating webhook against the real API server, registered url-based (the API server and
 * discovery share this host): `kubectl apply` of every invalid rule case is refused, by the CRD's
 * CEL or by the webhook with the field-level message; every valid case and every shared scenario
 * is admitted; a kind Weft does not know is admitted; and with discovery down an invalid object is
 * admitted (failurePolicy Ignore) and then reported Accepted=False once discovery is back.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyObjects, kubeRequest } from '../../src/kube/apply.ts';
import { RULE_CASES } from '../../src/model/validation/cases/index.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { urlClientConfig, webhookConfiguration } from '../../src/webhook/configuration.ts';
import { startWebhook } from '../../src/webhook/index.ts';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, eventually } from './support/kube.ts';
import { kubectl } from './support/kubectl.ts';
import { caseVariants, deleteVariants, RUN_LABEL, type Variant } from './support/variants.ts';

const c = clients();
const namespace = 'default';
const prefix = `wh${randomBytes(3).toString('hex')}`;
const configName = `weft-e2e-validator-${prefix}`;
const caSecret = `weft-webhook-ca-${prefix}`;
const variants: readonly Variant[] = caseVariants(RULE_CASES, prefix, namespace);
const invalid = variants.filter((v) => !v.valid);
const valid = variants.filter((v) => v.valid);
const SCENARIOS = resolve(import.meta.dirname, '../../../shared/scenarios');
const VWC_PATH = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${configName}`;
const DENIED = 'admission webhook "validation.istio.io" denied the request: configuration is invalid:';
const PROXY_CONFIG_CRD = 'proxyconfigs.networking.istio.io';

let discovery: RunningDiscovery | undefined;

const webhookOptions = { host: '127.0.0.1', port: 0, namespace, caSecret, service: 'istiod', configName };

/** Runs `fn` over items, `width` at a time (kubectl is a process per call). */
async function pool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all([...Array<number>(width)].map(worker));
  return out;
}

const applyJson = (object: unknown): ReturnType<typeof kubectl> => kubectl(['apply', '-f', '-'], JSON.stringify(object));

/** Waits until the API server calls our webhook: a dry-run of a known-invalid object is denied by it. */
async function webhookInEffect(): Promise<void> {
  const probe = invalid.find((v) => v.kind === 'DestinationRule' && v.path !== undefined) ?? invalid[0];
  await eventually('the API server calling the webhook', async () => {
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(probe?.object));
    return r.stderr.includes(DENIED);
  });
}

beforeAll(async () => {
  discovery = await startDiscovery(c.kc, { webhook: webhookOptions });
  await applyObjects(c.kc, [webhookConfiguration(configName, urlClientConfig('127.0.0.1', discovery.webhookPort ?? 0))], 'weft-e2e');
  await webhookInEffect();
}, 120_000);

afterAll(async () => {
  await discovery?.stop();
  await kubeRequest(c.kc, 'DELETE', VWC_PATH).catch(() => undefined);
  await kubeRequest(c.kc, 'DELETE', `/api/v1/namespaces/${namespace}/secrets/${caSecret}`).catch(() => undefined);
  await kubeRequest(c.kc, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${PROXY_CONFIG_CRD}`).catch(() => undefined);
  await deleteVariants(c.kc, namespace, variants, prefix);
});

describe('with the webhook on', () => {
  it('discovery created the CA Secret and patched its caBundle into the configuration', async () => {
    const vwc = (await kubeRequest(c.kc, 'GET', VWC_PATH)) as { webhooks: { clientConfig: { caBundle?: string } }[] };
    const secret = (await kubeRequest(c.kc, 'GET', `/api/v1/namespaces/${namespace}/secrets/${caSecret}`)) as { data: Record<string, string> };
    expect(vwc.webhooks[0]?.clientConfig.caBundle).toBe(secret.data['ca.crt']);
  });

  it('a second replica reuses the CA from the Secret', async () => {
    const secret = (await kubeRequest(c.kc, 'GET', `/api/v1/namespaces/${namespace}/secrets/${caSecret}`)) as { data: Record<string, string> };
    const replica = await startWebhook(c.kc, createRealClock(), pino({ level: 'silent' }), webhookOptions);
    await replica.stop();
    expect(Buffer.from(replica.caPem).toString('base64')).toBe(secret.data['ca.crt']);
  });

  it('kubectl apply refuses every invalid rule case: by the CRD (CEL) or by the webhook with the path and message', async () => {
    const results = await pool(invalid, 4, async (v) => ({ v, r: await applyJson(v.object) }));
    const byCel = results.filter(({ r }) => r.code !== 0 && !r.stderr.includes(DENIED) && r.stderr.includes('is invalid:'));
    const byWebhook = results.filter(({ r }) => r.stderr.includes(DENIED));
    const wrong = results.flatMap(({ v, r }) => {
      if (r.code === 0) return [`${v.name} (${v.rule}) was admitted`];
      const expected = v.path === undefined ? v.message : `${v.path}: ${v.message}`;
      if (r.stderr.includes(DENIED) && !r.stderr.includes(expected)) return [`${v.name} (${v.rule}): denied without "${expected}": ${r.stderr}`];
      return r.stderr.includes(DENIED) || byCel.some((x) => x.v === v) ? [] : [`${v.name}: refused for another reason: ${r.stderr}`];
    });
    process.stderr.write(`[webhook] ${String(invalid.length)} invalid variants: ${String(byWebhook.length)} denied by the webhook, ${String(byCel.length)} refused by the CRD schema/CEL\n`);
    expect(wrong).toEqual([]);
    expect(byWebhook.length + byCel.length).toBe(invalid.length);
  }, 300_000);

  it('kubectl apply admits every valid rule case', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: valid.map((v) => v.object) };
    const r = await applyJson(list);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();
  it.each(files)('the shared scenario %s is admitted (server-side dry run, webhooks included)', async (file) => {
    const r = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=weft-e2e', '-n', 'default', '-f', join(SCENARIOS, file)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a networking.istio.io kind Weft does not know is admitted, whatever its spec', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: PROXY_CONFIG_CRD },
      spec: {
        group: 'networking.istio.io',
        names: { kind: 'ProxyConfig', plural: 'proxyconfigs', singular: 'proxyconfig', listKind: 'ProxyConfigList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    await applyObjects(c.kc, [crd], 'weft-e2e');
    const object = { apiVersion: 'networking.istio.io/v1beta1', kind: 'ProxyConfig', metadata: { name: `${prefix}-unknown`, namespace, labels: { [RUN_LABEL]: prefix } }, spec: { hosts: 7, http: 'nonsense' } };
    const r = await eventually('the ProxyConfig kind served', async () => {
      const res = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(object));
      return res.stderr.includes("the server doesn't have a resource type") || res.stderr.includes('no matches for kind') ? undefined : res;
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('with discovery down (failurePolicy Ignore)', () => {
  const broken = invalid.find((v) => v.kind === 'VirtualService' && v.rule === 'weights not negative');

  it('an invalid VirtualService is admitted, then reported Accepted=False once discovery is back', async () => {
    expect(broken).toBeDefined();
    if (broken === undefined) return;
    await discovery?.stop();
    discovery = undefined;
    const name = `${prefix}-fallback`;
    const object = { ...broken.object, metadata: { name, namespace, labels: { [RUN_LABEL]: prefix } } };
    const r = await applyJson(object);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    discovery = await startDiscovery(c.kc);
    const path = `/apis/networking.istio.io/v1/namespaces/${namespace}/virtualservices/${name}`;
    const accepted = await eventually('Accepted=False on the admitted object', async () => {
      const vs = (await kubeRequest(c.kc, 'GET', path)) as { status?: { conditions?: { type: string; status: string; message: string }[] } };
      return vs.status?.conditions?.find((x) => x.type === 'Accepted' && x.status === 'False');
    });
    expect(accepted.message).toContain(`${broken.path ?? ''}: ${broken.message}`);
  }, 120_000);
});
