/** The six `networking.istio.io` kinds Weft serves: names, versions, schemas and printer columns. */
import type { ObjectSchema } from './schema/dsl.ts';
import { destinationRuleSpec } from './schema/destination-rule.ts';
import { gatewaySpec, serviceEntrySpec, sidecarSpec, workloadEntrySpec } from './schema/other-kinds.ts';
import { virtualServiceSpec } from './schema/virtual-service.ts';
import type { IstioKind } from './types.ts';

export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
/** Served versions; the first is the storage version. All share one schema. */
export const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'date' | 'integer';
  readonly jsonPath: string;
  readonly description: string;
}

export interface KindInfo {
  readonly kind: IstioKind;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly spec: ObjectSchema;
  readonly columns: readonly PrinterColumn[];
}

const accepted: PrinterColumn = {
  name: 'Accepted',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Accepted")].status',
  description: 'Whether Weft accepted the object (status of the Accepted condition)',
};
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation' };
const column = (name: string, jsonPath: string, description: string): PrinterColumn => ({ name, type: 'string', jsonPath, description });

export const ISTIO_KINDS: Readonly<Record<IstioKind, KindInfo>> = {
  VirtualService: {
    kind: 'VirtualService',
    plural: 'virtualservices',
    singular: 'virtualservice',
    shortNames: ['vs'],
    spec: virtualServiceSpec,
    columns: [column('Gateways', '.spec.gateways', 'The gateways the routes apply to'), column('Hosts', '.spec.hosts', 'The destination hosts'), accepted, age],
  },
  DestinationRule: {
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    spec: destinationRuleSpec,
    columns: [column('Host', '.spec.host', 'The service the rule applies to'), accepted, age],
  },
  Gateway: { kind: 'Gateway', plural: 'gateways', singular: 'gateway', shortNames: ['gw'], spec: gatewaySpec, columns: [accepted, age] },
  ServiceEntry: {
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    shortNames: ['se'],
    spec: serviceEntrySpec,
    columns: [
      column('Hosts', '.spec.hosts', 'The hosts of the entry'),
      column('Location', '.spec.location', 'Inside or outside the mesh'),
      column('Resolution', '.spec.resolution', 'How endpoints are discovered'),
      accepted,
      age,
    ],
  },
  Sidecar: { kind: 'Sidecar', plural: 'sidecars', singular: 'sidecar', shortNames: [], spec: sidecarSpec, columns: [accepted, age] },
  WorkloadEntry: {
    kind: 'WorkloadEntry',
    plural: 'workloadentries',
    singular: 'workloadentry',
    shortNames: ['we'],
    spec: workloadEntrySpec,
    columns: [column('Address', '.spec.address', 'Address of the workload'), accepted, age],
  },
};

export function isIstioKind(kind: unknown): kind is IstioKind {
  return typeof kind === 'string' && Object.hasOwn(ISTIO_KINDS, kind);
}

/** True for `networking.istio.io/v1`, `/v1beta1` and `/v1alpha3`. */
export function isIstioNetworkingApiVersion(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && ISTIO_NETWORKING_VERSIONS.some((v) => apiVersion === `${ISTIO_NETWORKING_GROUP}/${v}`);
}
