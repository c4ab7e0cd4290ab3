/**
 * Watches the Kubernetes service registry (Services, EndpointSlices, Pods, Namespaces) with one
 * informer per kind and hands the pipeline a fresh RegistryInput on every change; the pipeline
 * debounces. Pods matter only for labels (subsets) and locality, reached through slice targetRefs.
 */
import { CoreV1Api, DiscoveryV1Api, type KubeConfig, type KubernetesObject, type V1EndpointSlice, type V1Namespace, type V1Pod, type V1Service } from '@kubernetes/client-node';
import type { Clock } from '../kube/clock.ts';
import { createInformer, makeListWatch, type KindInformer } from '../kube/informer.ts';
import type { Logger } from '../log.ts';
import type { RegistryInput } from '../registry/build.ts';

export interface RegistrySource {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): RegistryInput;
}

export function createRegistrySource(kc: KubeConfig, clock: Clock, log: Logger, onChange: (input: RegistryInput) => void): RegistrySource {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  let started = false;
  const informers: KindInformer<KubernetesObject>[] = [];
  const changed = (): void => {
    if (started) onChange(snapshot());
  };
  const handlers = { onAdd: changed, onUpdate: changed, onDelete: changed };
  const make = <T extends KubernetesObject>(kind: string, path: string, list: () => Promise<{ items: T[] }>): KindInformer<T> => {
    const informer = createInformer<T>({ kind, listWatch: makeListWatch<T>(kc, path, list), clock, log, handlers });
    informers.push(informer);
    return informer;
  };
  const services = make<V1Service>('Service', '/api/v1/services', () => core.listServiceForAllNamespaces());
  const slices = make<V1EndpointSlice>('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', () => discovery.listEndpointSliceForAllNamespaces());
  const pods = make<V1Pod>('Pod', '/api/v1/pods', () => core.listPodForAllNamespaces());
  const namespaces = make<V1Namespace>('Namespace', '/api/v1/namespaces', () => core.listNamespace());

  function snapshot(): RegistryInput {
    return { services: services.list(), endpointSlices: slices.list(), pods: pods.list(), namespaces: namespaces.list() };
  }

  return {
    async start() {
      await Promise.all(informers.map((i) => i.start()));
      started = true;
      onChange(snapshot());
    },
    async stop() {
      started = false;
      await Promise.all(informers.map((i) => i.stop()));
    },
    snapshot,
  };
}
