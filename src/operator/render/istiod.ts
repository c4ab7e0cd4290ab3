/** istiod: our image running `weft discovery`, its Service, the `istio` mesh ConfigMap and RBAC. */
import type { V1ConfigMap, V1Container, V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { serviceClientConfig, webhookConfiguration } from '../../webhook/configuration.ts';
import { childMeta, revisioned, revisionLabel, sortKeys, type KubeObject, type RenderContext } from './common.ts';
import { renderRbac, renderServiceAccount } from './rbac.ts';
import { placementFields, POD_ENV, renderScaling, restrictedSecurityContext } from './scaling.ts';

export const ISTIOD_PORTS = {
  grpcXds: 15010,
  tlsXds: 15012,
  monitoring: 15014,
  webhook: 15017,
  /** Readiness and debug HTTP (Istio's `/ready` on 8080). */
  http: 8080,
} as const;

const COMPONENT = 'pilot';
const MESH_CONFIG_DIR = '/etc/istio/config';

export const istiodName = (revision: string): string => revisioned('istiod', revision);
export const meshConfigMapName = (revision: string): string => revisioned('istio', revision);
/** Istio's name: `istio-validator-<ns>`, or `istio-validator-<rev>-<ns>` for a revision. */
export const validatorName = (revision: string, namespace: string): string => `${revisioned('istio-validator', revision)}-${namespace}`;

/** The discovery address proxies and gateways use (plaintext xDS, as the gateways' bootstrap). */
export const discoveryAddress = (ctx: RenderContext): string => `${istiodName(ctx.spec.revision)}.${ctx.spec.namespace}.svc:${ISTIOD_PORTS.grpcXds}`;

export function istiodSelector(revision: string): Record<string, string> {
  return { app: 'istiod', 'istio.io/rev': revisionLabel(revision) };
}

/** MeshConfig in Istio's shape (istio/api mesh/v1alpha1), keys sorted. */
export function renderMeshConfig(ctx: RenderContext): string {
  const { meshConfig, namespace, revision } = ctx.spec;
  const mesh = {
    accessLogFile: meshConfig.accessLogFile,
    defaultConfig: { discoveryAddress: `${istiodName(revision)}.${namespace}.svc:${ISTIOD_PORTS.tlsXds}` },
    outboundTrafficPolicy: { mode: meshConfig.outboundTrafficMode },
    rootNamespace: namespace,
    trustDomain: meshConfig.trustDomain,
  };
  return stringify(mesh, { sortMapEntries: true });
}

function renderMeshConfigMap(ctx: RenderContext): V1ConfigMap & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(ctx, meshConfigMapName(ctx.spec.revision), { namespaced: true, component: COMPONENT, labels: { 'istio.io/rev': revisionLabel(ctx.spec.revision) } }),
    data: { mesh: renderMeshConfig(ctx), meshNetworks: 'networks: {}\n' },
  };
}

/** Our env first; a user entry with the same name replaces ours. Sorted by name. */
function istiodEnv(ctx: RenderContext): V1EnvVar[] {
  const ours: V1EnvVar[] = [
    ...POD_ENV.filter((e) => e.name !== 'POD_IP'),
    { name: 'REVISION', value: revisionLabel(ctx.spec.revision) },
    { name: 'MESH_CONFIG_FILE', value: `${MESH_CONFIG_DIR}/mesh` },
    { name: 'WEFT_WEBHOOK_CONFIG_NAME', value: validatorName(ctx.spec.revision, ctx.spec.namespace) },
    { name: 'WEFT_WEBHOOK_SERVICE', value: istiodName(ctx.spec.revision) },
  ];
  const byName = new Map<string, V1EnvVar>();
  for (const e of [...ours, ...ctx.spec.pilot.env]) byName.set(e.name, e);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function discoveryContainer(ctx: RenderContext): V1Container {
  return {
    name: 'discovery',
    image: ctx.spec.images.pilot,
    imagePullPolicy: ctx.spec.images.pullPolicy,
    args: ['discovery'],
    env: istiodEnv(ctx),
    ports: [
      { name: 'http-debug', containerPort: ISTIOD_PORTS.http, protocol: 'TCP' },
      { name: 'grpc-xds', containerPort: ISTIOD_PORTS.grpcXds, protocol: 'TCP' },
      { name: 'tls-xds', containerPort: ISTIOD_PORTS.tlsXds, protocol: 'TCP' },
      { name: 'http-monitoring', containerPort: ISTIOD_PORTS.monitoring, protocol: 'TCP' },
      { name: 'https-webhook', containerPort: ISTIOD_PORTS.webhook, protocol: 'TCP' },
    ],
    // weft discovery answers /ready (and /readyz) on its monitoring port.
    readinessProbe: { httpGet: { path: '/ready', port: ISTIOD_PORTS.monitoring }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
    livenessProbe: { tcpSocket: { port: ISTIOD_PORTS.grpcXds }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
    resources: ctx.spec.pilot.resources,
    securityContext: restrictedSecurityContext(),
    volumeMounts: [{ name: 'config-volume', mountPath: MESH_CONFIG_DIR, readOnly: true }],
  };
}

function renderIstiodDeployment(ctx: RenderContext): V1Deployment & KubeObject {
  const { revision, pilot } = ctx.spec;
  const name = istiodName(revision);
  const selector = istiodSelector(revision);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(ctx, name, { namespaced: true, component: COMPONENT, labels: { ...selector, istio: 'pilot' } }),
    spec: {
      // Under an HPA the replica count is the HPA's field; setting it here would fight it.
      ...(pilot.autoscaling === undefined ? { replicas: pilot.replicas } : {}),
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
      template: {
        metadata: {
          labels: sortKeys({ ...selector, istio: 'pilot', 'sidecar.istio.io/inject': 'false' }),
          annotations: { 'prometheus.io/port': String(ISTIOD_PORTS.monitoring), 'prometheus.io/scrape': 'true' },
        },
        spec: {
          serviceAccountName: name,
          containers: [discoveryContainer(ctx)],
          volumes: [{ name: 'config-volume', configMap: { name: meshConfigMapName(revision) } }],
          ...placementFields(pilot.placement),
        },
      },
    },
  };
}

function renderIstiodService(ctx: RenderContext): V1Service & KubeObject {
  const { revision } = ctx.spec;
  const selector = istiodSelector(revision);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(ctx, istiodName(revision), { namespaced: true, component: COMPONENT, labels: { ...selector, istio: 'pilot' } }),
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [
        { name: 'grpc-xds', port: ISTIOD_PORTS.grpcXds, targetPort: ISTIOD_PORTS.grpcXds, protocol: 'TCP' },
        { name: 'https-dns', port: ISTIOD_PORTS.tlsXds, targetPort: ISTIOD_PORTS.tlsXds, protocol: 'TCP' },
        { name: 'https-webhook', port: 443, targetPort: ISTIOD_PORTS.webhook, protocol: 'TCP' },
        { name: 'http-monitoring', port: ISTIOD_PORTS.monitoring, targetPort: ISTIOD_PORTS.monitoring, protocol: 'TCP' },
      ],
    },
  };
}

/**
 * The validating webhook's registration, through the istiod Service (443 → 15017). No caBundle:
 * discovery patches it in under its own field manager, so this apply never touches it.
 */
function renderValidatingWebhook(ctx: RenderContext): KubeObject {
  const { revision, namespace } = ctx.spec;
  const config = webhookConfiguration(validatorName(revision, namespace), serviceClientConfig(istiodName(revision), namespace));
  return { ...config, metadata: childMeta(ctx, config.metadata.name, { namespaced: false, component: COMPONENT, labels: { 'istio.io/rev': revisionLabel(revision) } }) };
}

export function renderIstiod(ctx: RenderContext): KubeObject[] {
  const { revision, pilot } = ctx.spec;
  const name = istiodName(revision);
  return [
    renderServiceAccount(ctx, name, COMPONENT),
    ...renderRbac(ctx, name),
    renderMeshConfigMap(ctx),
    renderIstiodService(ctx),
    renderIstiodDeployment(ctx),
    renderValidatingWebhook(ctx),
    ...renderScaling(ctx, {
      name,
      component: COMPONENT,
      selector: istiodSelector(revision),
      replicas: pilot.replicas,
      ...(pilot.autoscaling !== undefined ? { autoscaling: pilot.autoscaling } : {}),
    }),
  ];
}
