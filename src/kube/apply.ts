/**
 * Server-side apply of arbitrary manifests, sent as the raw JSON the user wrote.
 *
 * client-node's KubernetesObjectApi runs bodies through its model serializer, which reads model
 * property names: keys such as `x-kubernetes-preserve-unknown-fields` and `x-kubernetes-validations`
 * in a CRD schema are silently dropped. So apply resolves the resource path through discovery and
 * sends the object untouched.
 */
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent as HttpsAgent, request } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import type { ManifestObject } from './manifests.ts';

/** The field manager of every Weft write; one name so server-side apply ownership is stable. */
export const FIELD_MANAGER = 'weft';

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export class KubeRequestError extends Error {
  readonly code: number;
  readonly body: string;
  constructor(code: number, body: string, what: string) {
    super(`${what}: HTTP ${code}: ${body.slice(0, 2000)}`);
    this.code = code;
    this.body = body;
  }
}

/**
 * One connection pool per KubeConfig: a TLS handshake per request (what a fresh agent per call
 * costs) made status writes of 2,000 objects CPU-bound on the handshakes.
 */
const agents = new WeakMap<KubeConfig, HttpsAgent | HttpAgent>();

function agentFor(kc: KubeConfig, secure: boolean, tls: RequestOptions): HttpsAgent | HttpAgent {
  let agent = agents.get(kc);
  if (agent === undefined) {
    const { ca, cert, key, rejectUnauthorized, servername } = tls as { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean; servername?: string };
    agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 32, ca, cert, key, rejectUnauthorized, servername }) : new HttpAgent({ keepAlive: true, maxSockets: 32 });
    agents.set(kc, agent);
  }
  return agent;
}

/** One request to the API server with the kubeconfig's credentials; resolves to the parsed body. */
export async function kubeRequest(kc: KubeConfig, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const opts: RequestOptions & { headers: Record<string, string> } = { method, headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) opts.headers['content-type'] = contentType;
  const send = url.protocol === 'http:' ? httpRequest : request;
  opts.agent = agentFor(kc, url.protocol !== 'http:', opts);
  return new Promise((resolve, reject) => {
    const req = send(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) resolve(text === '' ? undefined : JSON.parse(text));
        else reject(new KubeRequestError(code, text, `${method} ${path}`));
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** What locates an object: its group version, kind, name and namespace. */
export interface ObjectCoordinates {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
}

/** Resolves kinds to resource paths through discovery, caching each group version. */
export function createResourceResolver(kc: KubeConfig): (obj: ObjectCoordinates) => Promise<string> {
  const cache = new Map<string, readonly ApiResource[]>();
  return async (obj) => {
    let resources = cache.get(obj.apiVersion);
    if (resources === undefined) {
      const list = (await kubeRequest(kc, 'GET', groupVersionPath(obj.apiVersion))) as { resources?: ApiResource[] };
      resources = (list.resources ?? []).filter((r) => !r.name.includes('/'));
      cache.set(obj.apiVersion, resources);
    }
    const resource = resources.find((r) => r.kind === obj.kind);
    if (resource === undefined) {
      cache.delete(obj.apiVersion);
      throw new Error(`the API server does not serve ${obj.kind} in ${obj.apiVersion}`);
    }
    const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(obj.metadata.namespace ?? 'default')}` : '';
    return `${groupVersionPath(obj.apiVersion)}${namespace}/${resource.name}/${encodeURIComponent(obj.metadata.name)}`;
  };
}

/** Server-side applies objects in order, forcing ownership of the fields Weft sets. */
export async function applyObjects(kc: KubeConfig, objects: readonly ManifestObject[], fieldManager = FIELD_MANAGER): Promise<void> {
  const resolve = createResourceResolver(kc);
  for (const object of objects) {
    const path = await resolve(object);
    await kubeRequest(kc, 'PATCH', `${path}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`, object, 'application/apply-patch+yaml');
  }
}

/** CRDs serve only once Established; informers started earlier would fail their first list. */
export async function waitForCrdsEstablished(kc: KubeConfig, names: readonly string[]): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + 60_000;
  for (const name of names) {
    for (;;) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} did not become Established within 60 s`);
      await delay(100);
    }
  }
}
