/**
 * renderChildren: the MeshControlPlane's desired children, pure and deterministic (sorted in apply
 * order: namespace, accounts, RBAC, ConfigMaps, Services, Deployments, PDBs, HPAs; then by name).
 * Disabled gateways are simply absent; the controller prunes what it owns but no longer renders.
 */
import { resolveSpec, type RenderOptions, type ResolvedSpec } from '../defaults.ts';
import type { MeshControlPlane } from '../types.ts';
import { childMeta, compareObjects, ownerReference, type KubeObject, type RenderContext } from './common.ts';
import { renderGateway } from './gateway.ts';
import { renderIstiod } from './istiod.ts';

export interface ChildRenderOptions extends RenderOptions {
  /**
   * Whether Weft creates (and so owns) the namespace. The controller decides: only when it does not
   * exist yet, or when Weft created it before. A pre-existing namespace is never taken over.
   */
  readonly createNamespace: boolean;
}

export type { KubeObject } from './common.ts';

export function renderChildren(mcp: MeshControlPlane, options: ChildRenderOptions): KubeObject[] {
  return renderResolved(mcp, resolveSpec(mcp, options), options.createNamespace);
}

export function renderResolved(mcp: MeshControlPlane, spec: ResolvedSpec, createNamespace: boolean): KubeObject[] {
  const ctx: RenderContext = { mcp, spec, owner: ownerReference(mcp) };
  const namespace: KubeObject[] = createNamespace
    ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: childMeta(ctx, spec.namespace, { namespaced: false, component: 'namespace' }) }]
    : [];
  return [...namespace, ...renderIstiod(ctx), ...spec.gateways.flatMap((g) => renderGateway(ctx, g))].sort(compareObjects);
}
