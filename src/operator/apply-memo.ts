/**
 * Write skipping for children (ADR 39): remembers, per child, the rendered content of the last
 * successful server-side apply and the resourceVersion the API server answered. A child whose
 * rendered content is unchanged and whose cached resourceVersion is still that one needs no request:
 * nobody touched it since we wrote it. A hand edit, a delete or a new render changes one of the two,
 * so the child is applied again. Applies that change nothing do not bump resourceVersions anyway;
 * this keeps a resync or a status-only event from costing one request per child.
 */
import type { KubeObject } from './render/common.ts';

export interface ApplyMemo {
  /** True when `object` must be sent: new content, or the child moved on from what we wrote. */
  needsApply(object: KubeObject, cachedResourceVersion: string | undefined): boolean;
  /** Records a successful apply and the resourceVersion it answered with. */
  applied(object: KubeObject, resourceVersion: string): void;
  /** Forgets a child (after deleting it, or when its apply failed). */
  forget(object: { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }): void;
}

const keyOf = (o: { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }): string =>
  `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

export function createApplyMemo(): ApplyMemo {
  const memo = new Map<string, { readonly content: string; readonly resourceVersion: string }>();
  return {
    needsApply(object, cachedResourceVersion) {
      const last = memo.get(keyOf(object));
      if (last === undefined || cachedResourceVersion === undefined) return true;
      return last.content !== JSON.stringify(object) || last.resourceVersion !== cachedResourceVersion;
    },
    applied(object, resourceVersion) {
      if (resourceVersion === '') memo.delete(keyOf(object));
      else memo.set(keyOf(object), { content: JSON.stringify(object), resourceVersion });
    },
    forget(object) {
      memo.delete(keyOf(object));
    },
  };
}
