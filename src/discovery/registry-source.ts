/**
 * Watches the Kubernetes service registry (Services, EndpointSlices, Pods, Namespaces) with one
 * informer per kind and hands the pipeline a fresh RegistryInput on every change, saying what
 * changed (an EndpointSlice change names its service, so the pipeline can take the endpoint-only
 * path); the pipeline debounces. Each kind's list is re-read only when that kind changed, so the
 * other lists keep their identity. Pods matter only for labels (subsets) and locality.
 */
import { CoreV1Api, DiscoveryV1Api, type KubeConfig, type KubernetesObject, type V1EndpointSlice } from '@kubernetes/client-node';
import type { Clock } from '../kube/clock.ts';
import { createInformer, makeListWatch, type KindInformer } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import type { RegistryInput } from '../registry/build.ts';
import type { RegistryChange } from './pipeline.ts';

export interface RegistrySource {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): RegistryInput;
}

export type RegistryEvent = 'add' | 'update' | 'delete';

type Kind = RegistryChange['kind'];

export function createRegistrySource(
  kc: KubeConfig,
  clock: Clock,
  log: Logger,
  onChange: (input: RegistryInput, change: RegistryChange) => void,
  onEvent?: (kind: Kind, event: RegistryEvent) => void,
): RegistrySource {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  let started = false;
  const informers = new Map<Kind, KindInformer<KubernetesObject>>();
  const lists = new Map<Kind, readonly KubernetesObject[]>();
  const changed = (kind: Kind, event: RegistryEvent) => (obj: KubernetesObject): void => {
    onEvent?.(kind, event);
    if (!started) return;
    lists.set(kind, informers.get(kind)?.list() ?? []);
    const serviceName = kind === 'EndpointSlice' ? obj.metadata?.labels?.['kubernetes.io/service-name'] : undefined;
    onChange(snapshot(), { kind, ...(obj.metadata?.namespace === undefined ? {} : { namespace: obj.metadata.namespace }), ...(serviceName === undefined ? {} : { serviceName }) });
  };
  const make = (kind: Kind, path: string, list: () => Promise<{ items: KubernetesObject[] }>): void => {
    const handlers = { onAdd: changed(kind, 'add'), onUpdate: changed(kind, 'update'), onDelete: changed(kind, 'delete') };
    informers.set(kind, createInformer<KubernetesObject>({ kind, listWatch: makeListWatch<KubernetesObject>(kc, path, list), clock, log, handlers }));
  };
  make('Service', '/api/v1/services', () => core.listServiceForAllNamespaces());
  make('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', () => discovery.listEndpointSliceForAllNamespaces());
  make('Pod', '/api/v1/pods', () => core.listPodForAllNamespaces());
  make('Namespace', '/api/v1/namespaces', () => core.listNamespace());

  function snapshot(): RegistryInput {
    return {
      services: lists.get('Service') ?? [],
      endpointSlices: (lists.get('EndpointSlice') ?? []) as readonly V1EndpointSlice[],
      pods: lists.get('Pod') ?? [],
      namespaces: lists.get('Namespace') ?? [],
    };
  }

  return {
    async start() {
      await Promise.all([...informers.values()].map((i) => i.start()));
      for (const [kind, informer] of informers) lists.set(kind, informer.list());
      started = true;
      onChange(snapshot(), { kind: 'Service' });
    },
    async stop() {
      started = false;
      await Promise.all([...informers.values()].map((i) => i.stop()));
    },
    snapshot,
  };
}
