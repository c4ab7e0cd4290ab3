import { KubeConfig } from '@kubernetes/client-node';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand, type Command } from '../config/config.ts';
import { runDiscovery, type DiscoveryPorts } from '../discovery/run.ts';
import { createRealClock } from '../kube/clock.ts';
import { runOperator } from '../operator/run.ts';
import { readVersion } from '../version.ts';
import { applyObjects, waitForCrdsEstablished } from '../kube/apply.ts';
import { readManifestDir } from '../kube/manifests.ts';
import type { Logger } from '../log.ts';
import { loadLocalCluster, type LocalCluster } from './local-cluster-api.ts';
import { untilAborted } from '../runtime/abort.ts';
import { urlClientConfig, webhookConfiguration } from '../webhook/configuration.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The url-based webhook registration of `weft up`: the API server and discovery share the host. */
const UP_WEBHOOK_CONFIG = 'weft-up-validator';
const DEMO_CALLS = 200;

const upOptions = {
  stateDir: { kind: 'string', default: '.weft/up', env: 'WEFT_STATE_DIR', description: 'Folder for the local cluster (kubeconfig, logs, data)' },
  cacheDir: { kind: 'string', env: 'WEFT_CACHE_DIR', description: 'Cache of the built Kubernetes binaries (default ~/.cache/weft)' },
  nodes: { kind: 'int', default: 2, min: 1, max: 50, env: 'WEFT_NODES', description: 'Number of fake kwok nodes' },
  podNetns: { kind: 'string', default: 'weft-pods', env: 'WEFT_POD_NETNS', description: 'Network namespace for pod IPs; empty to skip' },
} as const;

/** `weft up`: a local Kubernetes control plane with Weft running against it, until Ctrl-C. */
export function createUpCommand(): Command<Logger> {
  return defineCommand({
    name: 'up',
    summary: 'Start a local Kubernetes control plane and run Weft against it until Ctrl-C',
    options: upOptions,
    run: async (options, ctx) => {
      const loaded = await loadLocalCluster();
      if (!loaded.ok) {
        ctx.log.error({ err: loaded.error }, 'local cluster unavailable');
        return 1;
      }
      const progress = (line: string): void => void process.stderr.write(`  ${line}\n`);
      process.stderr.write('Starting the local control plane (the first run builds Kubernetes from source; later runs reuse the cache)\n');
      const cluster = await loaded.module.startLocalCluster({
        stateDir: resolve(options.stateDir),
        cacheDir: options.cacheDir,
        nodes: options.nodes,
        podNetns: options.podNetns,
        log: ctx.log.child({ component: 'local-cluster' }),
        onProgress: progress,
        signal: ctx.signal,
      });
      try {
        return await serve(cluster, ctx.log, ctx.stdout, ctx.signal);
      } finally {
        process.stderr.write('Stopping the local control plane\n');
        await cluster.stop();
      }
    },
  });
}

async function serve(cluster: LocalCluster, log: Logger, stdout: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const crds = await readManifestDir(resolve(REPO_ROOT, 'crds'));
  if (!crds.ok) {
    log.error({ err: crds.error }, 'cannot read CRDs');
    return 1;
  }
  await applyObjects(kc, crds.objects);
  log.info({ crds: crds.objects.length }, 'applied CRDs');
  await waitForCrdsEstablished(kc, crds.objects.map((o) => o.metadata.name));
  // One process, so it is the only writer: no Lease needed for `weft up`.
  const clock = createRealClock();
  let serving: (ports: DiscoveryPorts) => void = () => undefined;
  const ports = new Promise<DiscoveryPorts>((resolve) => (serving = resolve));
  const discovery = runDiscovery({
    kc,
    log,
    clock,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    leaderElect: false,
    leaseNamespace: 'weft-system',
    identity: 'weft-up',
    webhook: { host: '127.0.0.1', port: 0, namespace: 'default', caSecret: 'weft-webhook-ca', service: 'weft-up', configName: UP_WEBHOOK_CONFIG, extraNames: ['127.0.0.1'] },
    // The sample MeshControlPlane (config/samples) renders ConfigMap `istio` in weft-system.
    meshConfigMap: { namespace: 'weft-system', name: 'istio' },
    signal,
    onServing: (p) => { serving(p); },
  });
  const operator = runOperator({
    kc,
    log,
    clock,
    render: { pilotImage: `weft:${readVersion()}`, version: readVersion() },
    leaderElect: false,
    leaseNamespace: 'weft-system',
    identity: 'weft-up',
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    signal,
  });
  try {
    const sample = await readManifestDir(resolve(REPO_ROOT, 'config/samples'));
    if (sample.ok) await applyObjects(kc, sample.objects, 'weft-up-sample');
    const bound = await Promise.race([ports, discovery.then(() => undefined)]);
    if (bound === undefined) return 1;
    if (bound.webhook !== undefined) await applyObjects(kc, [webhookConfiguration(UP_WEBHOOK_CONFIG, urlClientConfig('127.0.0.1', bound.webhook))], 'weft-up');
    return await printAndWait(cluster, bound, stdout, signal, () => printDemo(kc, cluster, bound, stdout));
  } finally {
    await operator;
    await discovery;
  }
}

async function printAndWait(cluster: LocalCluster, ports: DiscoveryPorts, stdout: NodeJS.WritableStream, signal: AbortSignal, demo: () => Promise<(() => Promise<void>) | undefined>): Promise<number> {
  stdout.write(
    [
      '',
      'Weft is up.',
      `xDS: 127.0.0.1:${ports.xds}`,
      `debug: http://127.0.0.1:${ports.monitoring}`,
      ...(ports.webhook === undefined ? [] : [`webhook: https://127.0.0.1:${String(ports.webhook)}/validate (ValidatingWebhookConfiguration ${UP_WEBHOOK_CONFIG})`]),
      '',
      'In another shell:',
      '',
      `  export KUBECONFIG=${cluster.kubeconfigPath}`,
      `  export PATH=${cluster.binDir}:$PATH   # kubectl v1.33 built with the cluster`,
      '  kubectl get nodes',
      '  kubectl get meshcontrolplanes       # the sample in config/samples/, READY once its pods run',
      '  kubectl apply -f ../shared/scenarios/bookinfo-gateway.yaml && kubectl get virtualservices',
      '',
    ].join('\n'),
  );
  const stopDemo = await demo();
  stdout.write('Press Ctrl-C to stop and clean up.\n');
  // The control-plane processes are detached and unref'd, so hold the event loop open until Ctrl-C.
  const keepAlive = setInterval(() => undefined, 60_000);
  await untilAborted(signal);
  clearInterval(keepAlive);
  await stopDemo?.();
  return 0;
}

/** Runs the demo (src/demo/run.ts) and prints its split and how to repeat it; returns its stop. */
async function printDemo(kc: KubeConfig, cluster: LocalCluster, ports: DiscoveryPorts, stdout: NodeJS.WritableStream): Promise<(() => Promise<void>) | undefined> {
  // Loaded here: the demo's client registers grpc-js-xds, which no other command needs.
  const { DEMO_TARGET, runDemo } = await import('../demo/run.ts');
  const { formatTally } = await import('../demo/client.ts');
  stdout.write('Demo: config/demo/hello.yaml (Service hello in namespace demo, pods v1 and v2, VirtualService 80/20)\n');
  const demo = await runDemo(kc, cluster.podNetns, `127.0.0.1:${String(ports.xds)}`, DEMO_CALLS);
  if (!demo.ok) {
    stdout.write(`  skipped: ${demo.reason}\n\n`);
    return undefined;
  }
  stdout.write(
    [
      `  ${String(DEMO_CALLS)} calls from a proxyless gRPC client (grpc-js-xds) driven only by Weft's xDS:`,
      ...formatTally(demo.counts).map((line) => `    ${line}`),
      '  Repeat it, or change the weights and run it again:',
      `    node src/demo/client.ts 127.0.0.1:${String(ports.xds)} ${DEMO_TARGET} ${String(DEMO_CALLS)}`,
      '    kubectl -n demo edit virtualservice hello',
      '',
    ].join('\n') + '\n',
  );
  return demo.stop;
}

