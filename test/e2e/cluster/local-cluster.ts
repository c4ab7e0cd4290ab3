/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (token auth, RBAC, admission
 * on), kube-controller-manager, kube-scheduler and kwok faking the nodes and the pod lifecycle.
 * Used by the e2e suite (global-setup.ts) and by `weft up`. See docs/adr/0003-*.md.
 */
import { readFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalCluster, LocalClusterModule, LocalClusterOptions } from '../../../src/cli/local-cluster-api.ts';
import { ensureBinaries, type Binaries } from './binaries.ts';
import { createFakeNodes, waitForDefaultServiceAccount, waitForNodesReady } from './nodes.ts';
import { createPki, type Pki } from './pki.ts';
import { canCreatePodNetwork, createPodNetwork, type PodNetwork } from './pod-network.ts';
import { freePort, httpOk, reapStale, startComponent, stopComponent, tailLogs, waitUntil, type Component } from './processes.ts';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;

interface Layout {
  readonly root: string;
  readonly pki: string;
  readonly etcd: string;
  readonly logs: string;
  readonly pids: string;
  readonly kwok: string;
}

interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly kwok: number;
}

async function prepareLayout(root: string): Promise<Layout> {
  const layout: Layout = { root, pki: join(root, 'pki'), etcd: join(root, 'etcd'), logs: join(root, 'logs'), pids: join(root, 'pids'), kwok: join(root, 'kwok') };
  await mkdir(layout.pids, { recursive: true });
  await reapStale(layout.pids, COMPONENTS);
  // Fresh data on every start: kwok waits for old node Leases to expire when etcd data is reused.
  for (const dir of [layout.pki, layout.etcd, layout.logs, layout.kwok]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  return layout;
}

function kubeconfig(server: string, caData: string, user: Record<string, string>): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'weft-local', cluster: { server, 'certificate-authority-data': caData } }],
      users: [{ name: 'weft-admin', user }],
      contexts: [{ name: 'weft-local', context: { cluster: 'weft-local', user: 'weft-admin' } }],
      'current-context': 'weft-local',
    },
    null,
    2,
  );
}

async function writeKubeconfigs(layout: Layout, pki: Pki, server: string): Promise<{ components: string; user: string }> {
  const caData = (await readFile(pki.caCert)).toString('base64');
  const components = join(layout.root, 'components.kubeconfig');
  const user = join(layout.root, 'kubeconfig');
  await writeFile(components, kubeconfig(server, caData, { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey }), { mode: 0o600 });
  await writeFile(user, kubeconfig(server, caData, { token: pki.token }), { mode: 0o600 });
  return { components, user };
}

function apiserverArgs(layout: Layout, pki: Pki, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--etcd-prefix=/registry',
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    '--service-cluster-ip-range=10.96.0.0/16',
    `--tls-cert-file=${pki.adminCert}`,
    `--tls-private-key-file=${pki.adminKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--token-auth-file=${pki.tokenFile}`,
    `--service-account-key-file=${pki.adminKey}`,
    `--service-account-signing-key-file=${pki.adminKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--proxy-client-cert-file=${pki.adminCert}`,
    `--proxy-client-key-file=${pki.adminKey}`,
    `--cert-dir=${layout.pki}`,
  ];
}

async function writeKwokConfig(layout: Layout, bins: Binaries): Promise<string> {
  const stages = ['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-complete', 'pod-delete'];
  const docs = await Promise.all(stages.map((s) => readFile(join(bins.stagesDir, `${s}.yaml`), 'utf8')));
  const file = join(layout.kwok, 'kwok.yaml');
  await writeFile(file, docs.map((d) => d.trim()).join('\n---\n') + '\n');
  return file;
}

interface Boot {
  readonly layout: Layout;
  readonly bins: Binaries;
  readonly started: Component[];
  readonly options: LocalClusterOptions;
}

async function start(boot: Boot, name: (typeof COMPONENTS)[number], binary: string, args: string[], env?: Record<string, string>): Promise<Component> {
  const component = await startComponent({ name, binary, args, logDir: boot.layout.logs, pidDir: boot.layout.pids, ...(env ? { env } : {}) });
  boot.started.push(component);
  boot.options.log.debug({ component: name, pid: component.pid }, 'started component');
  return component;
}

async function startEtcd(boot: Boot, ports: Ports): Promise<void> {
  const etcd = await start(boot, 'etcd', boot.bins.path('etcd'), [
    '--name=node0',
    `--data-dir=${boot.layout.etcd}`,
    '--unsafe-no-fsync',
    `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-cluster=node0=http://127.0.0.1:${ports.etcdPeer}`,
    '--quota-backend-bytes=8589934592',
  ]);
  await waitUntil('etcd /health', () => httpOk(`http://127.0.0.1:${ports.etcdClient}/health`), { timeoutMs: 30_000, component: etcd });
}

async function startControllers(boot: Boot, pki: Pki, ports: Ports, kubeconfigPath: string, podCidr: string): Promise<void> {
  const common = [`--kubeconfig=${kubeconfigPath}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0'];
  await start(boot, 'kube-controller-manager', boot.bins.path('kube-controller-manager'), [
    ...common,
    `--root-ca-file=${pki.caCert}`,
    `--service-account-private-key-file=${pki.adminKey}`,
    '--node-monitor-grace-period=40s',
  ]);
  await start(boot, 'kube-scheduler', boot.bins.path('kube-scheduler'), common);
  const kwokConfig = await writeKwokConfig(boot.layout, boot.bins);
  const kwok = await start(
    boot,
    'kwok',
    boot.bins.path('kwok'),
    [
      `--kubeconfig=${kubeconfigPath}`,
      '--manage-all-nodes=true',
      `--config=${kwokConfig}`,
      '--node-lease-duration-seconds=40',
      `--cidr=${podCidr.replace(/\.0\/(\d+)$/, '.1/$1')}`,
      '--node-name=localhost',
      `--node-port=${ports.kwok}`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      `--tls-cert-file=${pki.adminCert}`,
      `--tls-private-key-file=${pki.adminKey}`,
    ],
    { KWOK_WORKDIR: boot.layout.kwok },
  );
  await waitUntil('kwok /healthz', () => httpOk(`http://127.0.0.1:${ports.kwok}/healthz`), { timeoutMs: 60_000, component: kwok });
}

async function boot(boot: Boot, pki: Pki, ports: Ports, kubeconfigs: { components: string; user: string }, podCidr: string): Promise<readonly string[]> {
  const { options } = boot;
  options.onProgress('starting etcd');
  await startEtcd(boot, ports);
  options.onProgress('starting kube-apiserver');
  const apiserver = await start(boot, 'kube-apiserver', boot.bins.path('kube-apiserver'), apiserverArgs(boot.layout, pki, ports));
  const caText = await readFile(pki.caCert, 'utf8');
  await waitUntil('kube-apiserver /readyz', () => httpOk(`https://127.0.0.1:${ports.apiserver}/readyz`, caText), { timeoutMs: 90_000, component: apiserver });
  options.onProgress('starting kube-controller-manager, kube-scheduler and kwok');
  await startControllers(boot, pki, ports, kubeconfigs.components, podCidr);
  options.onProgress(`creating ${options.nodes} fake nodes`);
  const nodeNames = await createFakeNodes(kubeconfigs.user, options.nodes);
  await waitForNodesReady(kubeconfigs.user, nodeNames, 120_000);
  await waitForDefaultServiceAccount(kubeconfigs.user, 60_000);
  return nodeNames;
}

async function setUpPodNetwork(options: LocalClusterOptions, podCidr: string, linkPrefix: string): Promise<PodNetwork | undefined> {
  if (options.podNetns === '') return undefined;
  if (!(await canCreatePodNetwork())) {
    options.onProgress(`skipping the pod network namespace ${options.podNetns}: needs root and iproute2`);
    return undefined;
  }
  options.onProgress(`creating network namespace ${options.podNetns} for pod IPs ${podCidr}`);
  return createPodNetwork({ netns: options.podNetns, podCidr, linkPrefix });
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const started = Date.now();
  const podCidr = options.podCidr ?? '10.244.0.0/16';
  const bins = await ensureBinaries({ cacheDir: options.cacheDir, onProgress: options.onProgress, signal: options.signal });
  const layout = await prepareLayout(options.stateDir);
  const pki = await createPki(layout.pki);
  const ports: Ports = { etcdClient: await freePort(), etcdPeer: await freePort(), apiserver: await freePort(), kwok: await freePort() };
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigs = await writeKubeconfigs(layout, pki, server);
  const state: Boot = { layout, bins, started: [], options };
  let podNetwork: PodNetwork | undefined;
  const logTails = (lines = 40): string => tailLogs(COMPONENTS.map((c) => join(layout.logs, `${c}.log`)), lines);
  const stop = async (): Promise<void> => {
    for (const component of [...state.started].reverse()) {
      const began = Date.now();
      await stopComponent(component, layout.pids);
      options.log.debug({ component: component.name, stopMs: Date.now() - began }, 'stopped component');
    }
    state.started.length = 0;
    await podNetwork?.remove();
    podNetwork = undefined;
    if (options.keepState !== true) await rm(layout.root, { recursive: true, force: true });
  };
  // Last resort if the parent exits without calling stop(): kill what we started (synchronously).
  const onExit = (): void => {
    for (const component of state.started) component.child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  const stopAndUnhook = async (): Promise<void> => {
    await stop();
    process.off('exit', onExit);
  };
  try {
    podNetwork = await setUpPodNetwork(options, podCidr, options.linkPrefix ?? '10.243.255.0/30');
    const nodeNames = await boot(state, pki, ports, kubeconfigs, podCidr);
    options.log.info({ server, nodes: nodeNames.length, startupMs: Date.now() - started }, 'local control plane ready');
    return { kubeconfigPath: kubeconfigs.user, server, binDir: bins.binDir, nodeNames, logDir: layout.logs, podNetns: podNetwork?.netns ?? '', logTails, stop: stopAndUnhook };
  } catch (err) {
    const tails = logTails();
    await stopAndUnhook().catch(() => undefined);
    throw new Error(`the local control plane failed to start: ${err instanceof Error ? err.message : String(err)}\n${tails}`, { cause: err });
  }
}

export default { startLocalCluster } satisfies LocalClusterModule;
