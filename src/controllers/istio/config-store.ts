/**
 * The shared model of Istio config: for every object, the verdict on its latest generation and
 * the generation being served. A new invalid generation never withdraws the last accepted one;
 * an object that was never valid is never served. Deleting an object stops serving it.
 */
import type { IstioResource } from '../../model/types.ts';
import { validateIstioObject } from '../../model/validate.ts';
import type { FieldIssue } from '../../model/validated.ts';

export interface StoredObject {
  readonly key: string;
  readonly generation: number;
  readonly errors: readonly FieldIssue[];
  /** The last valid generation, served to proxies; undefined if none ever was. */
  readonly served: { readonly generation: number; readonly resource: IstioResource } | undefined;
}

export interface ConfigStore {
  /**
   * Records the latest generation of an object. Returns true when what is served changed (a new
   * valid generation), false when only the verdict did (or nothing).
   */
  observe(key: string, object: unknown): { readonly servedChanged: boolean; readonly verdictChanged: boolean };
  /** Forgets an object; returns true if something was served for it. */
  remove(key: string): boolean;
  get(key: string): StoredObject | undefined;
  keys(): readonly string[];
  /** Every served resource, sorted by key (deterministic input for analysis and translation). */
  served(): readonly IstioResource[];
}

/** `Kind/namespace/name`: one queue serves every kind. */
export function configKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function generationOf(object: unknown): number {
  const meta = (object as { metadata?: { generation?: unknown } } | null)?.metadata;
  return typeof meta?.generation === 'number' ? meta.generation : 0;
}

const sameErrors = (a: readonly FieldIssue[], b: readonly FieldIssue[]): boolean =>
  a.length === b.length && a.every((e, i) => e.path === b[i]?.path && e.message === b[i].message);

export function createConfigStore(): ConfigStore {
  const objects = new Map<string, StoredObject>();
  let servedCache: readonly IstioResource[] | undefined;
  return {
    observe(key, object) {
      const previous = objects.get(key);
      const generation = generationOf(object);
      // Status writes and label edits don't bump the generation: the spec is unchanged (controller-runtime's GenerationChangedPredicate).
      if (previous !== undefined && generation > 0 && previous.generation === generation) return { servedChanged: false, verdictChanged: false };
      const verdict = validateIstioObject(object);
      const errors = verdict.ok ? [] : verdict.errors;
      const served = verdict.ok ? { generation, resource: verdict.value } : previous?.served;
      objects.set(key, { key, generation, errors, served });
      const servedChanged = verdict.ok && JSON.stringify(previous?.served?.resource) !== JSON.stringify(verdict.value);
      if (servedChanged) servedCache = undefined;
      const verdictChanged = previous === undefined || previous.generation !== generation || !sameErrors(previous.errors, errors) || servedChanged;
      return { servedChanged, verdictChanged };
    },
    remove(key) {
      const previous = objects.get(key);
      objects.delete(key);
      if (previous?.served === undefined) return false;
      servedCache = undefined;
      return true;
    },
    get: (key) => objects.get(key),
    keys: () => [...objects.keys()].sort(),
    served() {
      servedCache ??= [...objects.values()]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .flatMap((o) => (o.served === undefined ? [] : [o.served.resource]));
      return servedCache;
    },
  };
}
