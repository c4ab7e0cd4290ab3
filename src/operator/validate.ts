/**
 * Checks the operator makes before rendering. The CRD's schema and CEL rules refuse most mistakes at
 * apply time; these cover what they cannot (or what an object stored under an older CRD may still
 * hold). Every problem names the field, so the Reconciled condition's message says what to fix.
 */
import type { ResolvedGateway, ResolvedSpec } from './defaults.ts';

export type SpecCheck = { readonly valid: true } | { readonly valid: false; readonly reason: 'InvalidSpec'; readonly message: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RESERVED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Names the renderer uses itself; a gateway called so would collide with istiod's objects. */
const RESERVED_GATEWAY_NAMES = new Set(['istiod', 'istio']);

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;

function checkName(field: string, value: string, maxLength: number): string[] {
  if (value.length === 0 || value.length > maxLength || !DNS_LABEL.test(value)) {
    return [`${field} ${JSON.stringify(value)} must be a DNS label (lower-case letters, digits and '-', at most ${maxLength} characters)`];
  }
  return [];
}

function checkScaling(field: string, replicas: number, autoscaling: ResolvedSpec['pilot']['autoscaling']): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(replicas) || replicas < 0) problems.push(`${field}.replicas must be a whole number ≥ 0, got ${replicas}`);
  if (autoscaling !== undefined) {
    if (autoscaling.minReplicas < 1) problems.push(`${field}.autoscaling.minReplicas must be ≥ 1, got ${autoscaling.minReplicas}`);
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      problems.push(`${field}.autoscaling.minReplicas (${autoscaling.minReplicas}) must not exceed maxReplicas (${autoscaling.maxReplicas})`);
    }
    const cpu = autoscaling.targetCPUUtilizationPercentage;
    if (!Number.isInteger(cpu) || cpu < 1 || cpu > 100) problems.push(`${field}.autoscaling.targetCPUUtilizationPercentage must be 1–100, got ${cpu}`);
  }
  return problems;
}

function checkGatewayPorts(g: ResolvedGateway): string[] {
  const field = `gateway ${g.name}: service.ports`;
  const problems: string[] = [];
  const seenPorts = new Set<string>();
  const seenNames = new Set<string>();
  for (const p of g.service.ports) {
    if (!isPort(p.port)) problems.push(`${field} ${p.name}: port ${p.port} is outside 1–65535`);
    if (!isPort(p.targetPort)) problems.push(`${field} ${p.name}: targetPort ${p.targetPort} is outside 1–65535`);
    else if (p.targetPort < 1024) problems.push(`${field} ${p.name}: targetPort ${p.targetPort} is privileged; Envoy runs as non-root, use ≥ 1024`);
    if (p.nodePort !== undefined && g.service.type === 'ClusterIP') problems.push(`${field} ${p.name}: nodePort needs service.type NodePort or LoadBalancer`);
    if (p.nodePort !== undefined && (p.nodePort < 30000 || p.nodePort > 32767)) problems.push(`${field} ${p.name}: nodePort ${p.nodePort} is outside 30000–32767`);
    const portKey = `${p.protocol}/${p.port}`;
    if (seenPorts.has(portKey)) problems.push(`${field}: port ${portKey} is listed twice`);
    if (seenNames.has(p.name)) problems.push(`${field}: name ${p.name} is listed twice`);
    seenPorts.add(portKey);
    seenNames.add(p.name);
  }
  if (g.service.ports.length === 0) problems.push(`${field} must list at least one port`);
  return problems;
}

/** Gateway names across both lists, including disabled ones, must be unique. */
function checkGatewayNames(allNames: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of allNames) {
    problems.push(...checkName('gateway name', name, 55));
    if (RESERVED_GATEWAY_NAMES.has(name)) problems.push(`gateway name ${JSON.stringify(name)} is reserved for the control plane`);
    if (seen.has(name)) problems.push(`gateway name ${JSON.stringify(name)} is used more than once`);
    seen.add(name);
  }
  return problems;
}

export function validateSpec(resolved: ResolvedSpec, allGatewayNames: readonly string[]): SpecCheck {
  const problems = [
    ...checkName('spec.namespace', resolved.namespace, 63),
    ...(RESERVED_NAMESPACES.has(resolved.namespace) ? [`spec.namespace ${JSON.stringify(resolved.namespace)} is reserved for Kubernetes`] : []),
    ...(resolved.revision === '' ? [] : checkName('spec.revision', resolved.revision, 40)),
    ...checkScaling('components.pilot', resolved.pilot.replicas, resolved.pilot.autoscaling),
    ...checkGatewayNames(allGatewayNames),
    ...resolved.gateways.flatMap((g) => [...checkScaling(`gateway ${g.name}`, g.replicas, g.autoscaling), ...checkGatewayPorts(g)]),
  ];
  if (problems.length === 0) return { valid: true };
  return { valid: false, reason: 'InvalidSpec', message: [...new Set(problems)].join('; ') };
}
