import { describe, expect, it } from 'vitest';
import { resolveSpec } from './defaults.ts';
import type { MeshControlPlaneSpec } from './types.ts';
import { validateSpec } from './validate.ts';

function check(spec: MeshControlPlaneSpec): ReturnType<typeof validateSpec> {
  const mcp = { apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', metadata: { name: 'x', uid: 'u' }, spec } as const;
  const names = [...(spec.components?.ingressGateways ?? []), ...(spec.components?.egressGateways ?? [])].map((g) => g.name);
  return validateSpec(resolveSpec(mcp, { pilotImage: 'weft', version: '0.1.0' }), names);
}

describe('validateSpec', () => {
  it.each([
    ['empty spec', {}],
    ['install.yaml', { namespace: 'weft-system', components: { pilot: { replicas: 1 }, ingressGateways: [{ name: 'istio-ingressgateway' }], egressGateways: [{ name: 'istio-egressgateway' }] } }],
    ['gateway at zero replicas', { components: { ingressGateways: [{ name: 'gw', replicas: 0 }] } }],
    ['custom ports', { components: { ingressGateways: [{ name: 'gw', service: { type: 'NodePort' as const, ports: [{ name: 'http', port: 80, nodePort: 30080 }] } }] } }],
  ])('accepts %s', (_n, spec) => {
    expect(check(spec)).toEqual({ valid: true });
  });

  it.each([
    ['reserved namespace', { namespace: 'kube-system' }, 'spec.namespace "kube-system" is reserved for Kubernetes'],
    ['bad namespace', { namespace: 'Weft_System' }, 'spec.namespace "Weft_System" must be a DNS label'],
    ['bad revision', { revision: '1.2' }, 'spec.revision "1.2" must be a DNS label'],
    ['negative replicas', { components: { pilot: { replicas: -1 } } }, 'components.pilot.replicas must be a whole number ≥ 0, got -1'],
    ['min above max', { components: { pilot: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } } }, 'components.pilot.autoscaling.minReplicas (4) must not exceed maxReplicas (2)'],
    ['duplicate gateway across lists', { components: { ingressGateways: [{ name: 'gw' }], egressGateways: [{ name: 'gw', enabled: false }] } }, 'gateway name "gw" is used more than once'],
    ['reserved gateway name', { components: { ingressGateways: [{ name: 'istiod' }] } }, 'gateway name "istiod" is reserved for the control plane'],
    ['port out of range', { components: { ingressGateways: [{ name: 'gw', service: { ports: [{ name: 'p', port: 70000 }] } }] } }, 'port 70000 is outside 1–65535'],
    ['privileged target port', { components: { ingressGateways: [{ name: 'gw', service: { ports: [{ name: 'p', port: 80, targetPort: 80 }] } }] } }, 'targetPort 80 is privileged'],
    ['nodePort on ClusterIP', { components: { egressGateways: [{ name: 'gw', service: { ports: [{ name: 'p', port: 80, nodePort: 30001 }] } }] } }, 'nodePort needs service.type NodePort or LoadBalancer'],
    ['duplicate port', { components: { ingressGateways: [{ name: 'gw', service: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] } }] } }, 'port TCP/80 is listed twice'],
    ['no ports', { components: { ingressGateways: [{ name: 'gw', service: { ports: [] } }] } }, 'must list at least one port'],
  ])('refuses %s', (_n, spec, fragment) => {
    const result = check(spec);
    expect(result.valid).toBe(false);
    if (!result.valid) {
      expect(result.reason).toBe('InvalidSpec');
      expect(result.message).toContain(fragment);
    }
  });
});
