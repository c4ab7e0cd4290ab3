/**
 * The StatusClient (src/kube/status-writer.ts) for the namespaced networking.istio.io kinds. Names
 * are config keys (`Kind/namespace/name`).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ISTIO_KINDS, ISTIO_NETWORKING_GROUP, isIstioKind } from '../../model/kinds.ts';
import { createCustomObjectStatusClient, type StatusClient } from '../../kube/status-writer.ts';

/** The version Weft reads and writes; served by our CRDs and by Istio's own (1.22+). */
export const ISTIO_API_VERSION = 'v1';

export function parseConfigKey(key: string): { kind: keyof typeof ISTIO_KINDS; namespace: string; name: string } | undefined {
  const [kind, namespace, name, ...rest] = key.split('/');
  if (rest.length > 0 || kind === undefined || namespace === undefined || name === undefined || !isIstioKind(kind)) return undefined;
  return { kind, namespace, name };
}

export function createIstioStatusClient<S>(kc: KubeConfig): StatusClient<S> {
  return createCustomObjectStatusClient(kc, (key) => {
    const parsed = parseConfigKey(key);
    if (parsed === undefined) throw new Error(`not a config key: ${key}`);
    return { group: ISTIO_NETWORKING_GROUP, version: ISTIO_API_VERSION, namespace: parsed.namespace, plural: ISTIO_KINDS[parsed.kind].plural, name: parsed.name };
  });
}
