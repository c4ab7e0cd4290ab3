/** An ingress or egress gateway: pinned Envoy fed by istiod over ADS, with its Service and bootstrap. */
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Deployment, V1Service } from '@kubernetes/client-node';
import type { ResolvedGateway } from '../defaults.ts';
import { childMeta, sortKeys, type KubeObject, type RenderContext } from './common.ts';
import { PROMETHEUS_PORT, STATUS_PORT, renderBootstrap, routerNodeId } from './bootstrap.ts';
import { ISTIOD_PORTS, istiodName } from './istiod.ts';
import { renderServiceAccount } from './rbac.ts';
import { placementFields, POD_ENV, renderScaling, restrictedSecurityContext } from './scaling.ts';

const BOOTSTRAP_DIR = '/etc/weft/proxy';
const BOOTSTRAP_FILE = 'envoy.json';

export const gatewayBootstrapName = (gateway: string): string => `${gateway}-envoy-bootstrap`;
export const gatewayServiceAccountName = (gateway: string): string => `${gateway}-service-account`;
/** Only `app`: a selector is immutable, and users may relabel a gateway (its `istio` label) at will. */
export const gatewaySelector = (g: ResolvedGateway): Record<string, string> => ({ app: g.name });

function bootstrapJson(ctx: RenderContext, g: ResolvedGateway): string {
  const bootstrap = renderBootstrap({
    gatewayName: g.name,
    namespace: ctx.spec.namespace,
    discoveryHost: `${istiodName(ctx.spec.revision)}.${ctx.spec.namespace}.svc`,
    discoveryPort: ISTIOD_PORTS.grpcXds,
    labels: sortKeys(g.podLabels),
    istioVersion: ctx.spec.version,
    meshId: ctx.spec.meshConfig.trustDomain,
  });
  return `${JSON.stringify(bootstrap, null, 2)}\n`;
}

function renderBootstrapConfigMap(ctx: RenderContext, g: ResolvedGateway, json: string): V1ConfigMap & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(ctx, gatewayBootstrapName(g.name), { namespaced: true, component: `${g.kind}gateway` }),
    data: { [BOOTSTRAP_FILE]: json },
  };
}

function renderGatewayDeployment(ctx: RenderContext, g: ResolvedGateway, json: string): V1Deployment & KubeObject {
  const selector = gatewaySelector(g);
  const containerPorts = [
    ...g.service.ports.map((p) => ({ name: p.name, containerPort: p.targetPort, protocol: p.protocol })),
    { name: 'status-port', containerPort: STATUS_PORT, protocol: 'TCP' },
    { name: 'http-envoy-prom', containerPort: PROMETHEUS_PORT, protocol: 'TCP' },
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(ctx, g.name, { namespaced: true, component: `${g.kind}gateway`, labels: g.podLabels }),
    spec: {
      ...(g.autoscaling === undefined ? { replicas: g.replicas } : {}),
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
      template: {
        metadata: {
          labels: sortKeys({ ...g.podLabels, 'sidecar.istio.io/inject': 'false' }),
          annotations: {
            // A changed bootstrap must roll the pods: Envoy reads it only at start.
            'mesh.weft.dev/bootstrap-hash': createHash('sha256').update(json).digest('hex').slice(0, 16),
            'prometheus.io/path': '/stats/prometheus',
            'prometheus.io/port': String(PROMETHEUS_PORT),
            'prometheus.io/scrape': 'true',
          },
        },
        spec: {
          serviceAccountName: gatewayServiceAccountName(g.name),
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'istio-proxy',
              image: ctx.spec.images.proxy,
              imagePullPolicy: ctx.spec.images.pullPolicy,
              command: ['envoy'],
              // The per-pod node id merges into the bootstrap through --config-yaml (the --service-node
              // flags are slated for deprecation, envoyproxy/envoy#3326); Kubernetes expands $(VAR).
              args: ['-c', `${BOOTSTRAP_DIR}/${BOOTSTRAP_FILE}`, '--config-yaml', `node: {id: '${routerNodeId(ctx.spec.namespace)}', cluster: '${g.name}.${ctx.spec.namespace}'}`, '--log-level', 'warning'],
              env: POD_ENV.map((e) => ({ ...e })),
              ports: containerPorts,
              readinessProbe: { httpGet: { path: '/healthz/ready', port: STATUS_PORT }, initialDelaySeconds: 1, periodSeconds: 2, failureThreshold: 30 },
              resources: g.resources,
              securityContext: restrictedSecurityContext(),
              volumeMounts: [
                { name: 'bootstrap', mountPath: BOOTSTRAP_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'bootstrap', configMap: { name: gatewayBootstrapName(g.name) } },
            { name: 'tmp', emptyDir: {} },
          ],
          ...placementFields(g.placement),
        },
      },
    },
  };
}

function renderGatewayService(ctx: RenderContext, g: ResolvedGateway): V1Service & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(ctx, g.name, { namespaced: true, component: `${g.kind}gateway`, labels: g.podLabels, annotations: g.service.annotations }),
    spec: {
      type: g.service.type,
      selector: gatewaySelector(g),
      ports: g.service.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort,
        protocol: p.protocol,
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
    },
  };
}

export function renderGateway(ctx: RenderContext, g: ResolvedGateway): KubeObject[] {
  const json = bootstrapJson(ctx, g);
  return [
    renderServiceAccount(ctx, gatewayServiceAccountName(g.name), `${g.kind}gateway`),
    renderBootstrapConfigMap(ctx, g, json),
    renderGatewayService(ctx, g),
    renderGatewayDeployment(ctx, g, json),
    ...renderScaling(ctx, {
      name: g.name,
      component: `${g.kind}gateway`,
      selector: gatewaySelector(g),
      replicas: g.replicas,
      ...(g.autoscaling !== undefined ? { autoscaling: g.autoscaling } : {}),
    }),
  ];
}
