/**
 * Every rule case by kind. The unit tables check them against the validator; cluster tests can
 * apply the same valid and invalid specs and expect the same verdicts (Accepted, webhook denial).
 */
import type { IstioKind } from '../../types.ts';
import { DESTINATION_RULE_CASES } from './destination-rule.ts';
import { GATEWAY_CASES } from './gateway.ts';
import type { RuleCase } from './rule-case.ts';
import { SERVICE_ENTRY_CASES, WORKLOAD_ENTRY_CASES } from './service-entry.ts';
import { SIDECAR_CASES } from './sidecar.ts';
import { VIRTUAL_SERVICE_CASES } from './virtual-service.ts';

export type { RuleCase };

export const RULE_CASES: Readonly<Record<IstioKind, readonly RuleCase[]>> = {
  VirtualService: VIRTUAL_SERVICE_CASES,
  DestinationRule: DESTINATION_RULE_CASES,
  Gateway: GATEWAY_CASES,
  ServiceEntry: SERVICE_ENTRY_CASES,
  Sidecar: SIDECAR_CASES,
  WorkloadEntry: WORKLOAD_ENTRY_CASES,
};
