/**
 * Golden test cases: a multi-document YAML of Kubernetes objects, Istio objects and one
 * `kind: TranslationCase` document (proxies to translate for, mesh settings) → the registry,
 * the accepted config and the per-proxy IR. Istio objects go through the model's validator, so
 * a broken object is rejected (and listed) while the rest is translated.
 */
import type { V1EndpointSlice, V1Namespace, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import type { ProxyIR } from '../../ir/types.ts';
import type { IstioResource } from '../../model/types.ts';
import { validateIstioObject } from '../../model/validate.ts';
import { buildRegistry, type RegistryInput } from '../../registry/build.ts';
import type { MeshSettings } from '../../registry/types.ts';
import { createMeshContext, type AcceptedConfig } from '../model-to-ir/context.ts';
import { parseProxy } from '../model-to-ir/proxy.ts';
import { proxyGroupKey, translateProxy } from '../model-to-ir/translate.ts';

export interface CaseProxy {
  readonly id: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface TranslationCase {
  readonly registry: RegistryInput;
  readonly config: AcceptedConfig;
  readonly proxies: readonly CaseProxy[];
  readonly rejected: readonly string[];
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function withNamespace(doc: Json): Json {
  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  return { ...doc, metadata: { namespace: 'default', ...meta } };
}

export function parseCase(text: string): TranslationCase {
  const k8s = { services: [] as V1Service[], endpointSlices: [] as V1EndpointSlice[], pods: [] as V1Pod[], namespaces: [] as V1Namespace[], secrets: [] as V1Secret[] };
  const istio: IstioResource[] = [];
  const rejected: string[] = [];
  let proxies: CaseProxy[] = [];
  let mesh: Partial<MeshSettings> = {};
  for (const doc of parseAllDocuments(text)) {
    const value: unknown = doc.toJS();
    if (!isRecord(value)) continue;
    const obj = withNamespace(value);
    switch (value.kind) {
      case 'TranslationCase':
        proxies = (value.proxies ?? []) as CaseProxy[];
        mesh = (value.mesh ?? {});
        continue;
      case 'Service':
        k8s.services.push(obj);
        continue;
      case 'EndpointSlice':
        k8s.endpointSlices.push(obj as unknown as V1EndpointSlice);
        continue;
      case 'Pod':
        k8s.pods.push(obj);
        continue;
      case 'Namespace':
        k8s.namespaces.push(value);
        continue;
      case 'Secret':
        k8s.secrets.push(obj);
        continue;
    }
    const result = validateIstioObject(value, { defaultNamespace: 'default' });
    if (result.ok) istio.push(result.value);
    else rejected.push(`${String(value.kind)}/${String((obj.metadata as Json).name)}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const of = <K extends IstioResource['kind']>(kind: K): Extract<IstioResource, { kind: K }>[] => istio.filter((r): r is Extract<IstioResource, { kind: K }> => r.kind === kind);
  return {
    registry: { ...k8s, serviceEntries: of('ServiceEntry'), workloadEntries: of('WorkloadEntry'), mesh },
    config: {
      virtualServices: of('VirtualService'),
      destinationRules: of('DestinationRule'),
      gateways: of('Gateway'),
      sidecars: of('Sidecar'),
    },
    proxies,
    rejected,
  };
}

export interface ProxyOutput {
  readonly id: string;
  readonly group: string;
  readonly problems: readonly string[];
  readonly ir: ProxyIR;
}

export interface CaseOutput {
  readonly rejected: readonly string[];
  readonly registryProblems: readonly string[];
  readonly proxies: readonly ProxyOutput[];
}

export function runCase(c: TranslationCase): CaseOutput {
  const { registry, problems } = buildRegistry(c.registry);
  const ctx = createMeshContext(registry, c.config);
  const proxies = c.proxies.map((p): ProxyOutput => {
    const parsed = parseProxy(p.id, p.metadata ?? {});
    if (!parsed.ok) throw new Error(`test case proxy: ${parsed.problem}`);
    const result = translateProxy(ctx, parsed.proxy);
    return { id: p.id, group: proxyGroupKey(ctx, parsed.proxy), problems: result.problems.map((x) => `${x.object}: ${x.message}`), ir: result.ir };
  });
  return { rejected: c.rejected, registryProblems: problems.map((p) => `${p.object}: ${p.message}`), proxies };
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
