/**
 * Memoization across rebuilds (ADR 0045) never changes results: after each change in a sequence,
 * a translation that reuses the previous objects equals a cold translation of fresh copies.
 */
import { describe, expect, it } from 'vitest';
import { buildRegistry, type RegistryInput } from '../registry/build.ts';
import { translateIr } from './ir-to-xds/translate.ts';
import { createMeshContext, type AcceptedConfig } from './model-to-ir/context.ts';
import { parseProxy } from './model-to-ir/proxy.ts';
import { translateProxy } from './model-to-ir/translate.ts';
import { parseCase } from './testing/case.ts';

const doc = (weight: number, subsets: string, extra = '', policy = ''): string => `
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {clusterIP: 10.96.0.1, ports: [{name: http, port: 80}, {name: grpc, port: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {clusterIP: 10.96.0.2, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a}
spec: {host: a, subsets: [${subsets}]${policy}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a}
spec:
  hosts: [a]
  http:
    - match: [{sourceLabels: {app: c}}]
      route: [{destination: {host: a, subset: v2, port: {number: 80}}}]
    - route: [{destination: {host: a, subset: v1, port: {number: 80}}, weight: ${weight}}, {destination: {host: b, port: {number: 80}}, weight: ${100 - weight}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: a-1, labels: {kubernetes.io/service-name: a}}
addressType: IPv4
ports: [{name: http, port: 8080}, {name: grpc, port: 9090}]
endpoints:
  - {addresses: [10.244.0.1], targetRef: {kind: Pod, name: a-1}}
---
apiVersion: v1
kind: Pod
metadata: {name: a-1, labels: {version: v1}}
${extra}`;

const V1 = '{name: v1, labels: {version: v1}}';
const V2 = '{name: v2, labels: {version: v2}}';
const NO_B = (text: string): string => text.replace(/apiVersion: v1\nkind: Service\nmetadata: \{name: b\}\nspec: .*\n---/, '');
const SIDECAR = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default}
spec: {egress: [{hosts: ["./a.default.svc.cluster.local"]}]}
`;

/** Each step's input; unchanged objects keep their identity from the step before (as informers do). */
const HASH = ', trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}';
const STEPS: readonly string[] = [
  doc(50, `${V1}, ${V2}`),
  doc(50, `${V1}, ${V2}`),
  doc(80, `${V1}, ${V2}`),
  doc(80, `${V1}, ${V2}`, '', HASH),
  doc(80, V1),
  doc(80, V1, SIDECAR),
  doc(80, V1),
  NO_B(doc(80, V1)),
  doc(80, `${V1}, ${V2}`),
];

function keepIdentity<T>(previous: readonly T[], next: readonly T[]): T[] {
  return next.map((n) => previous.find((p) => JSON.stringify(p) === JSON.stringify(n)) ?? n);
}

function translate(registry: RegistryInput, config: AcceptedConfig, labels: Record<string, string>, generator?: string) {
  const parsed = parseProxy('sidecar~10.244.9.9~c-1.default~default.svc.cluster.local', { LABELS: labels, ...(generator === undefined ? {} : { GENERATOR: generator }) });
  if (!parsed.ok) throw new Error(parsed.problem);
  const { ir, problems } = translateProxy(createMeshContext(buildRegistry(registry).registry, config), parsed.proxy);
  return { ir, problems, xds: translateIr(ir) };
}

describe('memoized translation', () => {
  it.each([
    ['sidecar', undefined, { app: 'c' }],
    ['sidecar, other labels', undefined, { app: 'd' }],
    ['grpc', 'grpc', { app: 'c' }],
  ])('equals a cold translation after every change (%s)', (_name, generator, labels) => {
    let registry: RegistryInput = {};
    let config: AcceptedConfig = { virtualServices: [], destinationRules: [], gateways: [], sidecars: [] };
    // Warm translations run back to back (as rebuilds do), cold ones afterwards from fresh copies.
    const steps: { registry: RegistryInput; config: AcceptedConfig; warm: ReturnType<typeof translate> }[] = [];
    for (const text of STEPS) {
      const c = parseCase(text);
      registry = { ...c.registry, services: keepIdentity(registry.services ?? [], c.registry.services ?? []), endpointSlices: keepIdentity(registry.endpointSlices ?? [], c.registry.endpointSlices ?? []) };
      config = {
        virtualServices: keepIdentity(config.virtualServices, c.config.virtualServices),
        destinationRules: keepIdentity(config.destinationRules, c.config.destinationRules),
        gateways: [],
        sidecars: keepIdentity(config.sidecars, c.config.sidecars),
      };
      steps.push({ registry, config, warm: translate(registry, config, labels, generator) });
    }
    for (const { registry: r, config: cfg, warm } of steps) {
      const cold = translate(structuredClone(r), structuredClone(cfg), labels, generator);
      expect(warm.ir).toEqual(cold.ir);
      expect(warm.problems).toEqual(cold.problems);
      expect(warm.xds).toEqual(cold.xds);
    }
  });
});
