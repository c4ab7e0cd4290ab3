/** Options that several long-running commands share, declared once. */
import type { OptionSpecs } from './options.ts';

/** Lease-based leader election between replicas. */
export const leaderElectionOptions = {
  leaderElect: { kind: 'bool', default: true, env: 'WEFT_LEADER_ELECT', description: 'Elect a leader through a coordination.k8s.io Lease' },
  leaseNamespace: { kind: 'string', default: 'weft-system', env: 'POD_NAMESPACE', description: 'Namespace of the Lease' },
  identity: { kind: 'string', env: 'POD_NAME', description: "This replica's identity in the Lease (default: the host name)" },
} as const satisfies OptionSpecs;

/** The HTTP port of /healthz, /readyz, /metrics (and debug pages where the command has them). */
export function monitoringOptions(defaultPort: number) {
  return {
    monitoringAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_MONITORING_ADDRESS', description: 'Address of health, metrics and debug pages' },
    monitoringPort: { kind: 'int', default: defaultPort, min: 0, max: 65535, env: 'WEFT_MONITORING_PORT', description: 'Port of health, metrics and debug pages' },
  } as const satisfies OptionSpecs;
}
