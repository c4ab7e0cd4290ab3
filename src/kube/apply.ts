import { KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import type { ManifestObject } from './manifests.ts';

/** The field manager of every Weft write; one name so server-side apply ownership is stable. */
export const FIELD_MANAGER = 'weft';

/** Server-side applies objects in order, forcing ownership of the fields Weft sets. */
export async function applyObjects(kc: KubeConfig, objects: readonly ManifestObject[], fieldManager = FIELD_MANAGER): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await client.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
  }
}
