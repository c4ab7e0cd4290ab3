/**
 * The mesh config the MeshControlPlane writes: ConfigMap `istio` (or `istio-<rev>`), key `mesh`,
 * Istio MeshConfig YAML (istio/api mesh/v1alpha1). Pure: text in, settings or a problem out.
 *
 * Like istiod, the keys the user leaves out take their defaults, so removing a key undoes it.
 * Unlike a crash, a bad document (malformed YAML, an unknown outbound mode, a wrong type) keeps
 * the last good settings in force and is reported (`MeshConfigState.error`).
 */
import { parseDocument } from 'yaml';
import { DEFAULT_MESH, type MeshSettings, type OutboundTrafficPolicy } from './types.ts';

/** The MeshConfig fields Weft reads; the rest of MeshSettings is not configurable there. */
export type MeshConfigFields = Pick<MeshSettings, 'outboundTrafficPolicy' | 'trustDomain' | 'accessLogFile' | 'rootNamespace'>;

export const DEFAULT_MESH_CONFIG: MeshConfigFields = {
  outboundTrafficPolicy: DEFAULT_MESH.outboundTrafficPolicy,
  trustDomain: DEFAULT_MESH.trustDomain,
  accessLogFile: DEFAULT_MESH.accessLogFile,
  rootNamespace: DEFAULT_MESH.rootNamespace,
};

/** The ConfigMap key istiod reads. */
export const MESH_CONFIG_KEY = 'mesh';

export type MeshConfigParse = { readonly ok: true; readonly mesh: MeshConfigFields } | { readonly ok: false; readonly error: string };

const MODES: readonly OutboundTrafficPolicy[] = ['ALLOW_ANY', 'REGISTRY_ONLY'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string field: absent → default; present → must be a string. */
function stringField(doc: Record<string, unknown>, key: string, fallback: string): { ok: true; value: string } | { ok: false; error: string } {
  const value = doc[key];
  if (value === undefined || value === null) return { ok: true, value: fallback };
  if (typeof value !== 'string') return { ok: false, error: `${key}: expected a string, got ${typeof value}` };
  return { ok: true, value };
}

function outboundMode(doc: Record<string, unknown>): { ok: true; value: OutboundTrafficPolicy } | { ok: false; error: string } {
  const policy = doc.outboundTrafficPolicy;
  if (policy === undefined || policy === null) return { ok: true, value: DEFAULT_MESH_CONFIG.outboundTrafficPolicy };
  if (!isRecord(policy)) return { ok: false, error: 'outboundTrafficPolicy: expected an object' };
  const mode = policy.mode ?? DEFAULT_MESH_CONFIG.outboundTrafficPolicy;
  const known = MODES.find((m) => m === mode);
  if (known === undefined) return { ok: false, error: `outboundTrafficPolicy.mode: ${JSON.stringify(mode)} is not one of ${MODES.join(', ')}` };
  return { ok: true, value: known };
}

/** Parses the `mesh` key. An empty document is the defaults. */
export function parseMeshConfig(text: string): MeshConfigParse {
  const parsed = parseDocument(text, { uniqueKeys: true });
  if (parsed.errors.length > 0) return { ok: false, error: `malformed YAML: ${parsed.errors[0]?.message.split('\n')[0] ?? 'unknown error'}` };
  const doc: unknown = parsed.toJS();
  if (doc === null || doc === undefined) return { ok: true, mesh: DEFAULT_MESH_CONFIG };
  if (!isRecord(doc)) return { ok: false, error: 'expected a mapping at the top level' };
  const mode = outboundMode(doc);
  if (!mode.ok) return mode;
  const trustDomain = stringField(doc, 'trustDomain', DEFAULT_MESH_CONFIG.trustDomain);
  if (!trustDomain.ok) return trustDomain;
  const accessLogFile = stringField(doc, 'accessLogFile', DEFAULT_MESH_CONFIG.accessLogFile);
  if (!accessLogFile.ok) return accessLogFile;
  const rootNamespace = stringField(doc, 'rootNamespace', DEFAULT_MESH_CONFIG.rootNamespace);
  if (!rootNamespace.ok) return rootNamespace;
  return { ok: true, mesh: { outboundTrafficPolicy: mode.value, trustDomain: trustDomain.value || DEFAULT_MESH_CONFIG.trustDomain, accessLogFile: accessLogFile.value, rootNamespace: rootNamespace.value || DEFAULT_MESH_CONFIG.rootNamespace } };
}

/** What is in force, and why. */
export interface MeshConfigState {
  /** `present`: from the ConfigMap; `absent`: no ConfigMap, defaults. */
  readonly source: 'present' | 'absent';
  readonly mesh: MeshConfigFields;
  /** The ConfigMap's resourceVersion whose content is in force (or was refused). */
  readonly resourceVersion?: string;
  /** Set while the current ConfigMap is refused; `mesh` is then the last good one. */
  readonly error?: string;
}

export const INITIAL_MESH_STATE: MeshConfigState = { source: 'absent', mesh: DEFAULT_MESH_CONFIG };

/** The minimal ConfigMap shape read here (a V1ConfigMap fits). */
export interface MeshConfigMap {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly data?: Readonly<Record<string, string>>;
}

/** The next state after the ConfigMap changed (undefined: deleted or not there). */
export function nextMeshState(previous: MeshConfigState, configMap: MeshConfigMap | undefined): MeshConfigState {
  if (configMap === undefined) return INITIAL_MESH_STATE;
  const resourceVersion = configMap.metadata?.resourceVersion;
  const rv = resourceVersion === undefined ? {} : { resourceVersion };
  const parsed = parseMeshConfig(configMap.data?.[MESH_CONFIG_KEY] ?? '');
  if (!parsed.ok) return { source: 'present', mesh: previous.mesh, ...rv, error: parsed.error };
  return { source: 'present', mesh: parsed.mesh, ...rv };
}

/** Same settings (so no rebuild is needed). */
export function sameMeshConfig(a: MeshConfigFields, b: MeshConfigFields): boolean {
  return a.outboundTrafficPolicy === b.outboundTrafficPolicy && a.trustDomain === b.trustDomain && a.accessLogFile === b.accessLogFile && a.rootNamespace === b.rootNamespace;
}

/**
 * Which ConfigMap to watch: `flag` is `NS/NAME` or `NAME` (in the discovery namespace); empty
 * means istiod's default, `istio` (`istio-<rev>` for a non-default revision) in its namespace.
 */
export function meshConfigMapRef(flag: string, namespace: string, revision = ''): { readonly namespace: string; readonly name: string } {
  const value = flag.trim();
  if (value === '') return { namespace, name: revision === '' || revision === 'default' ? 'istio' : `istio-${revision}` };
  const slash = value.indexOf('/');
  return slash < 0 ? { namespace, name: value } : { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}
