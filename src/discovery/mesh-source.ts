/**
 * Watches the mesh ConfigMap the MeshControlPlane writes (`istio` or `istio-<rev>`, key `mesh`)
 * and hands the pipeline the settings in force. A bad document keeps the last good settings and
 * is reported (log, `/debug/mesh`, metrics); a deleted ConfigMap means istiod's defaults.
 */
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { Clock } from '../kube/clock.ts';
import { createInformer, makeListWatch } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import { INITIAL_MESH_STATE, nextMeshState, sameMeshConfig, type MeshConfigState } from '../registry/mesh-config.ts';

export interface MeshConfigRef {
  readonly namespace: string;
  readonly name: string;
}

export interface MeshSource {
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): MeshConfigState;
  readonly ref: MeshConfigRef;
}

/** `onState` runs for every ConfigMap event, with the state after it. */
export function createMeshSource(kc: KubeConfig, ref: MeshConfigRef, clock: Clock, log: Logger, onState: (state: MeshConfigState) => void): MeshSource {
  const core = kc.makeApiClient(CoreV1Api);
  const mlog = log.child({ component: 'mesh-config', configMap: `${ref.namespace}/${ref.name}` });
  let state = INITIAL_MESH_STATE;
  const update = (cm: V1ConfigMap | undefined): void => {
    const next = nextMeshState(state, cm);
    if (next.error !== undefined && next.error !== state.error) mlog.error({ error: next.error, resourceVersion: next.resourceVersion }, 'mesh config refused; the last good one stays in force');
    else if (next.error === undefined && (!sameMeshConfig(next.mesh, state.mesh) || next.source !== state.source)) mlog.info({ mesh: next.mesh, source: next.source, resourceVersion: next.resourceVersion }, 'mesh config in force');
    state = next;
    onState(state);
  };
  const ours = (cm: V1ConfigMap): boolean => cm.metadata?.name === ref.name;
  const informer = createInformer<V1ConfigMap>({
    kind: 'ConfigMap',
    listWatch: makeListWatch<V1ConfigMap>(kc, `/api/v1/namespaces/${ref.namespace}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ref.namespace })),
    clock,
    log,
    handlers: {
      onAdd: (cm) => { if (ours(cm)) update(cm); },
      onUpdate: (cm) => { if (ours(cm)) update(cm); },
      onDelete: (cm) => { if (ours(cm)) update(undefined); },
    },
  });
  return {
    ref,
    async start() {
      await informer.start();
      update(informer.get(ref.name, ref.namespace));
    },
    stop: () => informer.stop(),
    state: () => state,
  };
}
