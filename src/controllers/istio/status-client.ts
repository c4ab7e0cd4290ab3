/**
 * A StatusClient (src/kube/status-writer.ts) for the namespaced networking.istio.io kinds. Names
 * are config keys (`Kind/namespace/name`). Writes go to the /status subresource only, as a JSON
 * merge patch with a resourceVersion precondition.
 */
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ISTIO_KINDS, ISTIO_NETWORKING_GROUP } from '../../model/kinds.ts';
import { isIstioKind } from '../../model/kinds.ts';
import type { StatusClient } from '../../kube/status-writer.ts';

/** The version Weft reads and writes; served by our CRDs and by Istio's own (1.22+). */
export const ISTIO_API_VERSION = 'v1';

export function parseConfigKey(key: string): { kind: keyof typeof ISTIO_KINDS; namespace: string; name: string } | undefined {
  const [kind, namespace, name, ...rest] = key.split('/');
  if (rest.length > 0 || kind === undefined || namespace === undefined || name === undefined || !isIstioKind(kind)) return undefined;
  return { kind, namespace, name };
}

const apiCode = (err: unknown): number | undefined => (err instanceof ApiException ? (err as ApiException<unknown>).code : undefined);

export function createIstioStatusClient<S>(kc: KubeConfig): StatusClient<S> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const target = (key: string): { group: string; version: string; namespace: string; plural: string; name: string } => {
    const parsed = parseConfigKey(key);
    if (parsed === undefined) throw new Error(`not a config key: ${key}`);
    return { group: ISTIO_NETWORKING_GROUP, version: ISTIO_API_VERSION, namespace: parsed.namespace, plural: ISTIO_KINDS[parsed.kind].plural, name: parsed.name };
  };
  return {
    async read(key) {
      try {
        const obj = (await api.getNamespacedCustomObject(target(key))) as { metadata?: { resourceVersion?: string; generation?: number }; status?: S };
        return {
          resourceVersion: obj.metadata?.resourceVersion ?? '',
          ...(obj.metadata?.generation !== undefined ? { generation: obj.metadata.generation } : {}),
          ...(obj.status !== undefined ? { status: obj.status } : {}),
        };
      } catch (err) {
        if (apiCode(err) === 404) return undefined;
        throw err;
      }
    },
    async patchStatus(key, resourceVersion, status) {
      const body = { metadata: { resourceVersion }, status };
      const updated = (await api.patchNamespacedCustomObjectStatus({ ...target(key), body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as {
        metadata?: { resourceVersion?: string };
      };
      return updated.metadata?.resourceVersion ?? '';
    },
    isConflict: (err) => apiCode(err) === 409,
  };
}
