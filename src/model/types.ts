/** TypeScript types of the `networking.istio.io` resources, inferred from their schema descriptions. */
import type { Infer } from './schema/dsl.ts';
import type { destinationRuleSpec, trafficPolicy } from './schema/destination-rule.ts';
import type { gatewaySpec, serviceEntrySpec, sidecarSpec, workloadEntrySpec } from './schema/other-kinds.ts';
import type { destination, headers, httpRoute, stringMatch, tcpRoute, tlsRoute, virtualServiceSpec } from './schema/virtual-service.ts';

export type VirtualServiceSpec = Infer<typeof virtualServiceSpec>;
export type HTTPRoute = Infer<typeof httpRoute>;
export type TLSRoute = Infer<typeof tlsRoute>;
export type TCPRoute = Infer<typeof tcpRoute>;
export type Destination = Infer<typeof destination>;
export type StringMatch = Infer<typeof stringMatch>;
export type Headers = Infer<typeof headers>;
export type DestinationRuleSpec = Infer<typeof destinationRuleSpec>;
export type TrafficPolicy = Infer<typeof trafficPolicy>;
export type GatewaySpec = Infer<typeof gatewaySpec>;
export type ServiceEntrySpec = Infer<typeof serviceEntrySpec>;
export type SidecarSpec = Infer<typeof sidecarSpec>;
export type WorkloadEntrySpec = Infer<typeof workloadEntrySpec>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Resource<K extends string, S> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ObjectMeta;
  readonly spec: S;
}

export type VirtualService = Resource<'VirtualService', VirtualServiceSpec>;
export type DestinationRule = Resource<'DestinationRule', DestinationRuleSpec>;
export type Gateway = Resource<'Gateway', GatewaySpec>;
export type ServiceEntry = Resource<'ServiceEntry', ServiceEntrySpec>;
export type Sidecar = Resource<'Sidecar', SidecarSpec>;
export type WorkloadEntry = Resource<'WorkloadEntry', WorkloadEntrySpec>;

export type IstioResource = VirtualService | DestinationRule | Gateway | ServiceEntry | Sidecar | WorkloadEntry;
export type IstioKind = IstioResource['kind'];

/** A Kubernetes Service as the cross-resource checks need it. */
export interface KnownService {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly { readonly name?: string; readonly port: number }[];
}
