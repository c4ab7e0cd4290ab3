/** Fake nodes for kwok, and the waits that tell the cluster is usable. */
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { waitUntil } from './processes.ts';

function client(kubeconfigPath: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
}

function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/agent': '' },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    },
  };
}

export async function createFakeNodes(kubeconfigPath: string, count: number): Promise<string[]> {
  const api = client(kubeconfigPath);
  const names = Array.from({ length: count }, (_, i) => `kwok-node-${i}`);
  for (const name of names) await api.createNode({ body: fakeNode(name) });
  return names;
}

/** Ready=True and the not-ready taint removed by the node lifecycle controller. */
export async function waitForNodesReady(kubeconfigPath: string, names: readonly string[], timeoutMs: number): Promise<void> {
  const api = client(kubeconfigPath);
  await waitUntil(
    `nodes ${names.join(', ')} Ready and schedulable`,
    async () => {
      const nodes = await api.listNode();
      return names.every((name) => {
        const node = nodes.items.find((n) => n.metadata?.name === name);
        const ready = node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        const tainted = node?.spec?.taints?.some((t) => t.key.startsWith('node.kubernetes.io/')) ?? false;
        return ready && !tainted;
      });
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** With admission on, pods can only be created once the namespace's default ServiceAccount exists. */
export async function waitForDefaultServiceAccount(kubeconfigPath: string, timeoutMs: number): Promise<void> {
  const api = client(kubeconfigPath);
  await waitUntil('the default ServiceAccount', async () => {
    await api.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    return true;
  }, { timeoutMs, intervalMs: 500 });
}
