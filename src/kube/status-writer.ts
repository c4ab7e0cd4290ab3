/**
 * Writes an object's `/status` subresource, and only that: read the latest object, compute the
 * status from it, skip the write when nothing but lastTransitionTime would change, otherwise send a
 * merge patch carrying `metadata.resourceVersion` as a precondition. A 409 (someone wrote in
 * between) re-reads and retries, through ts-retry-promise. The spec is never part of a request.
 */
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { retry } from 'ts-retry-promise';
import type { Logger } from '../log.ts';
import { KubeRequestError, kubeRequest } from './apply.ts';

export interface StatusTarget<S> {
  readonly resourceVersion: string;
  readonly generation?: number;
  readonly status?: S;
}

/** The three calls the writer needs; a fake in tests, client-node in production. */
export interface StatusClient<S> {
  /** The latest object, or undefined when it does not exist (404). */
  read(name: string): Promise<StatusTarget<S> | undefined>;
  /** Replaces `status` if the object still has `resourceVersion`; resolves to the new resourceVersion. */
  patchStatus(name: string, resourceVersion: string, status: S): Promise<string>;
  isConflict(err: unknown): boolean;
  /**
   * The object as an informer last saw it, if the caller has one: the first attempt starts from it
   * and saves a GET; a stale copy only costs a 409, after which attempts read the server's.
   */
  peek?(name: string): StatusTarget<S> | undefined;
}

export type StatusWrite =
  | { readonly type: 'unchanged' }
  | { readonly type: 'written'; readonly resourceVersion: string; readonly attempts: number }
  | { readonly type: 'notFound' }
  | { readonly type: 'failed'; readonly error: unknown };

export interface StatusWriter<S> {
  /** `compute` gets the latest object (so conditions keep their lastTransitionTime) and returns the status. */
  write(name: string, compute: (current: StatusTarget<S>) => S): Promise<StatusWrite>;
}

export interface StatusWriterOptions {
  readonly log: Logger;
  /** Attempts after the first on 409. */
  readonly conflictRetries?: number;
  /** Base delay between attempts; doubled each time. Tests pass 0. */
  readonly delayMs?: number;
}

/** A deterministic form for comparison: keys sorted, lastTransitionTime dropped. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'lastTransitionTime' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, normalize(v)]),
  );
}

/** Deep equality ignoring key order and every condition's lastTransitionTime. */
export function statusEquivalent(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a ?? {})) === JSON.stringify(normalize(b ?? {}));
}

class NotFound extends Error {}

export function createStatusWriter<S>(client: StatusClient<S>, options: StatusWriterOptions): StatusWriter<S> {
  const retries = options.conflictRetries ?? 5;
  const delay = options.delayMs ?? 50;
  return {
    async write(name, compute) {
      let attempts = 0;
      const attempt = async (): Promise<StatusWrite> => {
        attempts++;
        const current = (attempts === 1 ? client.peek?.(name) : undefined) ?? (await client.read(name));
        if (current === undefined) throw new NotFound(name);
        const desired = compute(current);
        if (statusEquivalent(current.status, desired)) return { type: 'unchanged' };
        const resourceVersion = await client.patchStatus(name, current.resourceVersion, desired);
        return { type: 'written', resourceVersion, attempts };
      };
      try {
        return await retry(attempt, {
          retries,
          delay,
          backoff: 'EXPONENTIAL',
          timeout: 'INFINITELY',
          // Only a conflict is worth another read; anything else goes back to the work queue's backoff.
          retryIf: (err: unknown) => client.isConflict(err),
          logger: (msg: string) => {
            options.log.debug({ name, msg }, 'status write retry');
          },
        });
      } catch (err) {
        const cause = unwrap(err);
        if (cause instanceof NotFound) return { type: 'notFound' };
        options.log.warn({ name, err: cause, attempts }, 'status write failed');
        return { type: 'failed', error: cause };
      }
    },
  };
}

/** ts-retry-promise rethrows an error retryIf refuses as is, and wraps the last one in RetryError.lastError. */
function unwrap(err: unknown): unknown {
  let current = err;
  for (let i = 0; i < 3; i++) {
    if (current instanceof NotFound) return current;
    const next = (current as { lastError?: unknown; cause?: unknown } | null)?.lastError ?? (current as { cause?: unknown } | null)?.cause;
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

export interface ClusterCustomResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

const apiCode = (err: unknown): number | undefined => (err instanceof KubeRequestError ? err.code : err instanceof ApiException ? (err as ApiException<unknown>).code : undefined);

/** Where one custom object lives; `namespace` absent for cluster-scoped kinds. */
export interface CustomObjectRef extends ClusterCustomResource {
  readonly name: string;
  readonly namespace?: string;
}

export type StoredObject<S> = { metadata?: { resourceVersion?: string; generation?: number }; status?: S };

/** The parts of a stored object (read from the server or an informer) a status write starts from. */
export function statusTargetOf<S>(obj: StoredObject<S>): StatusTarget<S> {
  return {
    resourceVersion: obj.metadata?.resourceVersion ?? '',
    ...(obj.metadata?.generation !== undefined ? { generation: obj.metadata.generation } : {}),
    ...(obj.status !== undefined ? { status: obj.status } : {}),
  };
}

/**
 * A StatusClient for custom resources, on kubeRequest's pooled connections. `locate` turns the
 * writer's name (an object name, or any key the caller uses) into the object's coordinates.
 */
export function createCustomObjectStatusClient<S>(kc: KubeConfig, locate: (name: string) => CustomObjectRef): StatusClient<S> {
  const pathOf = (ref: CustomObjectRef): string =>
    `/apis/${ref.group}/${ref.version}${ref.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(ref.namespace)}`}/${ref.plural}/${encodeURIComponent(ref.name)}`;
  return {
    async read(name) {
      try {
        return statusTargetOf((await kubeRequest(kc, 'GET', pathOf(locate(name)))) as StoredObject<S>);
      } catch (err) {
        if (apiCode(err) === 404) return undefined;
        throw err;
      }
    },
    async patchStatus(name, resourceVersion, status) {
      // A JSON merge patch replaces lists whole, so stale conditions cannot survive; the
      // resourceVersion in the body makes the API server answer 409 if the object moved on.
      const body = { metadata: { resourceVersion }, status };
      const updated = (await kubeRequest(kc, 'PATCH', `${pathOf(locate(name))}/status`, body, 'application/merge-patch+json')) as StoredObject<S>;
      return updated.metadata?.resourceVersion ?? '';
    },
    isConflict: (err) => apiCode(err) === 409,
  };
}

/** A StatusClient for a cluster-scoped custom resource. */
export function createClusterCustomObjectStatusClient<S>(kc: KubeConfig, resource: ClusterCustomResource): StatusClient<S> {
  return createCustomObjectStatusClient(kc, (name) => ({ ...resource, name }));
}
