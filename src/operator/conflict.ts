/**
 * Which MeshControlPlane may manage a namespace, and whether Weft may own the namespace itself.
 * Pure: the controller passes what its informers hold.
 */
import { DEFAULT_NAMESPACE } from './defaults.ts';
import type { MeshControlPlane } from './types.ts';

export type NamespaceClaim =
  | { readonly conflict: false }
  | { readonly conflict: true; readonly namespace: string; readonly holder: string; readonly message: string };

const claimedNamespace = (mcp: MeshControlPlane): string => mcp.spec?.namespace ?? DEFAULT_NAMESPACE;

/** Oldest creationTimestamp first, then name: a total order every replica computes alike. */
export function compareClaims(a: MeshControlPlane, b: MeshControlPlane): number {
  const ta = a.metadata.creationTimestamp === undefined ? Number.POSITIVE_INFINITY : Date.parse(a.metadata.creationTimestamp);
  const tb = b.metadata.creationTimestamp === undefined ? Number.POSITIVE_INFINITY : Date.parse(b.metadata.creationTimestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/**
 * Whether `mcp` loses its namespace to another MeshControlPlane. One still being deleted keeps its
 * claim until it is gone: its children live there until garbage collection removes them.
 */
export function detectNamespaceConflict(mcp: MeshControlPlane, all: readonly MeshControlPlane[]): NamespaceClaim {
  const namespace = claimedNamespace(mcp);
  const claimants = [...all.filter((o) => o.metadata.name !== mcp.metadata.name && claimedNamespace(o) === namespace), mcp].sort(compareClaims);
  const holder = claimants[0];
  if (holder === undefined || holder.metadata.name === mcp.metadata.name) return { conflict: false };
  return {
    conflict: true,
    namespace,
    holder: holder.metadata.name,
    message: `namespace ${namespace} is already managed by MeshControlPlane ${holder.metadata.name} (created earlier); choose another spec.namespace`,
  };
}

export interface ObservedNamespace {
  readonly metadata: { readonly name: string; readonly ownerReferences?: readonly { readonly uid: string }[] };
}

/**
 * Weft creates (and so owns, and will delete) the namespace only when it does not exist yet, or when
 * it is the one Weft created earlier for this MeshControlPlane. Any other namespace is used as is.
 */
export function shouldOwnNamespace(existing: ObservedNamespace | undefined, mcpUid: string): boolean {
  if (existing === undefined) return true;
  return (existing.metadata.ownerReferences ?? []).some((ref) => ref.uid === mcpUid);
}
