/**
 * Rule cases as cluster objects: one valid and one invalid object per case, applied with
 * server-side apply, and the verdict the cluster gives each (refused at apply, or its Accepted
 * condition once the status controller has observed its generation).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeRequestError, kubeRequest } from '../../../src/kube/apply.ts';
import { ISTIO_KINDS, isIstioKind } from '../../../src/model/kinds.ts';
import type { RuleCase } from '../../../src/model/validation/cases/index.ts';
import { eventually } from './kube.ts';

export interface Variant {
  readonly kind: string;
  readonly name: string;
  readonly rule: string;
  readonly valid: boolean;
  readonly message: string;
  readonly path: string | undefined;
  readonly object: Readonly<Record<string, unknown>>;
}

export type Verdict =
  | { readonly state: 'refused'; readonly message: string }
  | { readonly state: 'accepted' }
  | { readonly state: 'rejected'; readonly reason: string; readonly message: string };

/** Label on every applied variant, so a run deletes exactly its own objects. */
export const RUN_LABEL = 'weft.dev/e2e-rule-cases';

/**
 * Both variants of every case, named `<prefix>-<kind>-<index>-valid|invalid` (lower case), in
 * `namespace`. Some rules depend on the object's namespace (exportTo: `.` and the namespace's own
 * name); the cases assume `default`, as an object applied without a namespace lands there.
 */
export function caseVariants(cases: Readonly<Record<string, readonly RuleCase[]>>, prefix: string, namespace: string): Variant[] {
  return Object.entries(cases).flatMap(([kind, list]) =>
    list.flatMap((rc, i) =>
      ([true, false] as const).map((valid) => {
        const name = `${prefix}-${kind.toLowerCase()}-${String(i)}-${valid ? 'valid' : 'invalid'}`;
        const metadata = { name, namespace, labels: { [RUN_LABEL]: prefix } };
        const object = { apiVersion: 'networking.istio.io/v1', kind, metadata, spec: valid ? rc.valid : rc.invalid };
        return { kind, name, rule: rc.rule, valid, message: rc.message, path: rc.path, object };
      }),
    ),
  );
}

function plural(kind: string): string {
  if (!isIstioKind(kind)) throw new Error(`not an Istio kind: ${kind}`);
  return ISTIO_KINDS[kind].plural;
}

const objectPath = (namespace: string, kind: string, name?: string): string =>
  `/apis/networking.istio.io/v1/namespaces/${namespace}/${plural(kind)}${name === undefined ? '' : `/${name}`}`;

/** Applies every variant (8 at a time); returns the API server's refusals by object name. */
export async function applyVariants(kc: KubeConfig, namespace: string, variants: readonly Variant[]): Promise<Map<string, string>> {
  const refusals = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let v = variants[next++]; v !== undefined; v = variants[next++]) {
      try {
        await kubeRequest(kc, 'PATCH', `${objectPath(namespace, v.kind, v.name)}?fieldManager=e2e&force=true`, v.object, 'application/apply-patch+yaml');
      } catch (err) {
        if (!(err instanceof KubeRequestError) || err.code !== 422) throw err;
        refusals.set(v.name, (JSON.parse(err.body) as { message?: string }).message ?? err.body);
      }
    }
  };
  await Promise.all([...Array<number>(8)].map(worker));
  return refusals;
}

/** Deletes the variants of one run (by label), kind by kind. */
export async function deleteVariants(kc: KubeConfig, namespace: string, variants: readonly Variant[], prefix: string): Promise<void> {
  for (const kind of new Set(variants.map((v) => v.kind))) {
    await kubeRequest(kc, 'DELETE', `${objectPath(namespace, kind)}?labelSelector=${encodeURIComponent(`${RUN_LABEL}=${prefix}`)}`);
  }
}

interface Listed {
  items: { metadata: { name: string; generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[] } }[];
}

/** Waits until every applied variant has an Accepted condition for its generation. */
export async function readVerdicts(kc: KubeConfig, namespace: string, variants: readonly Variant[], refusals: ReadonlyMap<string, string>): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for (const [name, message] of refusals) verdicts.set(name, { state: 'refused', message });
  const kinds = [...new Set(variants.map((v) => v.kind))];
  return eventually(`an Accepted condition on all ${String(variants.length - refusals.size)} applied variants`, async () => {
    for (const kind of kinds) {
      const listed = (await kubeRequest(kc, 'GET', `${objectPath(namespace, kind)}?labelSelector=${encodeURIComponent(RUN_LABEL)}`)) as Listed;
      for (const item of listed.items) {
        const accepted = item.status?.conditions?.find((x) => x.type === 'Accepted');
        if (item.status?.observedGeneration !== item.metadata.generation || accepted === undefined) continue;
        verdicts.set(item.metadata.name, accepted.status === 'True' ? { state: 'accepted' } : { state: 'rejected', reason: accepted.reason, message: accepted.message });
      }
    }
    return variants.every((v) => verdicts.has(v.name)) ? verdicts : undefined;
  }, 120_000);
}
