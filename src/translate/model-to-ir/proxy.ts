/**
 * Proxy identity: Istio node ids (`sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local`,
 * `router~…` for gateways) and node metadata, parsed into the descriptor that selects what the
 * proxy receives. Pure.
 */
import type { ProxyFlavor } from '../../ir/types.ts';

export interface ProxyDescriptor {
  readonly type: 'sidecar' | 'router';
  readonly flavor: ProxyFlavor;
  readonly ips: readonly string[];
  /** Pod name (from `pod.ns`). */
  readonly podName: string;
  readonly namespace: string;
  /** `ns.svc.cluster.local`. */
  readonly dnsDomain: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type ParsedProxy = { readonly ok: true; readonly proxy: ProxyDescriptor } | { readonly ok: false; readonly problem: string };

const asString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function labelsOf(metadata: Readonly<Record<string, unknown>>): Record<string, string> {
  const raw = metadata.LABELS;
  if (typeof raw !== 'object' || raw === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Parses a node id plus metadata (`GENERATOR`, `NAMESPACE`, `LABELS`). */
export function parseProxy(nodeId: string, metadata: Readonly<Record<string, unknown>> = {}): ParsedProxy {
  const parts = nodeId.split('~');
  if (parts.length !== 4) return { ok: false, problem: `node id ${JSON.stringify(nodeId)} is not type~ip~id~domain` };
  const [type = '', ipText = '', id = '', domain = ''] = parts;
  if (type !== 'sidecar' && type !== 'router') return { ok: false, problem: `node id type ${JSON.stringify(type)} is not sidecar or router` };
  const dot = id.lastIndexOf('.');
  const podName = dot > 0 ? id.slice(0, dot) : id;
  const namespace = asString(metadata.NAMESPACE) ?? (dot > 0 ? id.slice(dot + 1) : '');
  if (namespace === '') return { ok: false, problem: `node id ${JSON.stringify(nodeId)} names no namespace` };
  const generator = asString(metadata.GENERATOR);
  const flavor: ProxyFlavor = generator === 'grpc' ? 'grpc' : type === 'router' ? 'router' : 'sidecar';
  return {
    ok: true,
    proxy: {
      type,
      flavor,
      ips: ipText.split(',').filter((ip) => ip !== ''),
      podName,
      namespace,
      dnsDomain: domain === '' ? `${namespace}.svc.cluster.local` : domain,
      labels: labelsOf(metadata),
    },
  };
}
