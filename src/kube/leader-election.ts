/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm and timings
 * (k8s.io/client-go/tools/leaderelection): lease 15 s, renew deadline 10 s, retry 2 s.
 *
 * - Expiry is judged by the candidate's own clock from when it last saw the record change, never by
 *   comparing renewTime with local time, so clock skew between nodes does not matter.
 * - Every write carries the resourceVersion it read (optimistic concurrency): of two candidates that
 *   race, one gets 409 and stays a candidate.
 * - A leader that cannot renew within the renew deadline stops leading (onStoppedLeading) before the
 *   lease can expire for the others (renew deadline < lease duration), so two writers never overlap.
 * - stop() releases the lease (empty holder, 1 s duration) so a standby takes over at its next retry.
 */
import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { Clock, TimerHandle } from './clock.ts';

export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface LeaseObject {
  readonly resourceVersion: string;
  readonly spec: LeaseSpec;
}

/** One Lease's API; create/update reject on 409 (and any other error) and the elector retries. */
export interface LeaseClient {
  get(): Promise<LeaseObject | undefined>;
  create(spec: LeaseSpec): Promise<LeaseObject>;
  update(resourceVersion: string, spec: LeaseSpec): Promise<LeaseObject>;
}

export interface LeaderElectionTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export const CLIENT_GO_TIMINGS: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** client-go's JitterFactor for the acquire loop. */
const JITTER_FACTOR = 1.2;

/** What the last read told us: the record as text and when (our clock) it last changed. */
export interface Observation {
  readonly record: string;
  readonly observedAtMs: number;
}

export type LeaseDecision =
  | { readonly type: 'create'; readonly spec: LeaseSpec }
  | { readonly type: 'update'; readonly resourceVersion: string; readonly spec: LeaseSpec }
  | { readonly type: 'heldByOther'; readonly holder: string; readonly expiresAtMs: number };

/** MicroTime as the API server writes it: RFC 3339 with microseconds. */
export const toMicroTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

/** The pure core of tryAcquireOrRenew. */
export function decideLease(lease: LeaseObject | undefined, observation: Observation | undefined, identity: string, nowMs: number, timings: LeaderElectionTimings): LeaseDecision {
  const durationSeconds = Math.round(timings.leaseDurationMs / 1000);
  const now = toMicroTime(nowMs);
  if (lease === undefined) {
    return { type: 'create', spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
  }
  const holder = lease.spec.holderIdentity ?? '';
  const observedAtMs = observation?.observedAtMs ?? nowMs;
  const heldForMs = (lease.spec.leaseDurationSeconds ?? durationSeconds) * 1000;
  if (holder !== '' && holder !== identity && observedAtMs + heldForMs > nowMs) {
    return { type: 'heldByOther', holder, expiresAtMs: observedAtMs + heldForMs };
  }
  const transitions = lease.spec.leaseTransitions ?? 0;
  const renewing = holder === identity;
  return {
    type: 'update',
    resourceVersion: lease.resourceVersion,
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: renewing ? (lease.spec.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: renewing ? transitions : transitions + 1,
    },
  };
}

export interface LeaderElectorOptions {
  readonly client: LeaseClient;
  readonly identity: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timings?: LeaderElectionTimings;
  /** In [0, 1); Math.random by default. */
  readonly random?: () => number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
}

export interface LeaderElector {
  start(): void;
  isLeader(): boolean;
  /**
   * True while leading and the last successful renewal is younger than the renew deadline, judged
   * on the clock at the moment of asking. Ask it right before each write: a process that was
   * paused (GC, SIGSTOP, a starved VM) sees the time jump before its watchdog timer has had a
   * chance to fire, and writes nothing (ADR 37).
   */
  mayWrite(): boolean;
  /** Stops campaigning; a leader releases the lease and gets onStoppedLeading. */
  stop(): Promise<void>;
}

const recordText = (spec: LeaseSpec): string => JSON.stringify([spec.holderIdentity ?? '', spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]);

export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { client, identity, clock, log } = options;
  const timings = options.timings ?? CLIENT_GO_TIMINGS;
  const random = options.random ?? Math.random;
  let observation: Observation | undefined;
  let lastResourceVersion: string | undefined;
  let leading = false;
  /** True when the last attempt left us as the lease holder (even if stop() came meanwhile). */
  let holdsLease = false;
  let stopped = true;
  let tickTimer: TimerHandle | undefined;
  let watchdog: TimerHandle | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let renewedAtMs = Number.NEGATIVE_INFINITY;

  const observe = (lease: LeaseObject | undefined): void => {
    if (lease === undefined) return;
    lastResourceVersion = lease.resourceVersion;
    const record = recordText(lease.spec);
    if (observation?.record !== record) observation = { record, observedAtMs: clock.now() };
  };

  const loseLeadership = (why: string): void => {
    if (!leading) return;
    leading = false;
    if (watchdog !== undefined) clock.clearTimeout(watchdog);
    log.warn({ identity, why }, 'stopped leading');
    options.onStoppedLeading();
  };

  const renewed = (attemptStartedAtMs: number): void => {
    renewedAtMs = attemptStartedAtMs;
    if (watchdog !== undefined) clock.clearTimeout(watchdog);
    watchdog = clock.setTimeout(() => {
      loseLeadership('lease not renewed within the renew deadline');
    }, timings.renewDeadlineMs);
    if (!leading) {
      leading = true;
      log.info({ identity }, 'started leading');
      options.onStartedLeading();
    }
  };

  /** One tryAcquireOrRenew; true when we hold the lease afterwards. */
  const attempt = async (): Promise<boolean> => {
    try {
      const lease = await client.get();
      observe(lease);
      const decision = decideLease(lease, observation, identity, clock.now(), timings);
      switch (decision.type) {
        case 'heldByOther':
          if (leading) loseLeadership(`lease taken by ${decision.holder}`);
          return false;
        case 'create':
          observe(await client.create(decision.spec));
          return true;
        case 'update':
          observe(await client.update(decision.resourceVersion, decision.spec));
          return true;
      }
    } catch (err) {
      log.debug({ identity, err }, 'lease attempt failed');
      return false;
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    const delay = leading ? timings.retryPeriodMs : timings.retryPeriodMs * (1 + random() * JITTER_FACTOR);
    tickTimer = clock.setTimeout(() => {
      inFlight = tick();
    }, delay);
  };

  const isStopped = (): boolean => stopped;

  async function tick(): Promise<void> {
    if (isStopped()) return;
    // The lease counts from when we asked, not from when the answer came back.
    const startedAtMs = clock.now();
    holdsLease = await attempt();
    // stop() may have been called while the attempt was in flight: then only release.
    if (holdsLease && !isStopped()) renewed(startedAtMs);
    schedule();
  }

  const release = async (): Promise<void> => {
    if (lastResourceVersion === undefined) return;
    const now = toMicroTime(clock.now());
    try {
      await client.update(lastResourceVersion, { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: leaseTransitionsOf(observation) });
      log.info({ identity }, 'released lease');
    } catch (err) {
      log.warn({ identity, err }, 'releasing the lease failed; others take over when it expires');
    }
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      inFlight = tick();
    },
    isLeader: () => leading,
    mayWrite: () => leading && clock.now() - renewedAtMs < timings.renewDeadlineMs,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (tickTimer !== undefined) clock.clearTimeout(tickTimer);
      await inFlight;
      if (holdsLease) await release();
      holdsLease = false;
      loseLeadership('stopped');
    },
  };
}

function leaseTransitionsOf(observation: Observation | undefined): number {
  if (observation === undefined) return 0;
  const parsed = JSON.parse(observation.record) as unknown[];
  return typeof parsed[4] === 'number' ? parsed[4] : 0;
}

const code = (err: unknown): number | undefined => (err instanceof ApiException ? (err as ApiException<unknown>).code : undefined);

function toLeaseObject(lease: V1Lease): LeaseObject {
  const s = lease.spec ?? {};
  const micro = (d: Date | undefined): string | undefined => (d === undefined ? undefined : toMicroTime(new Date(d).getTime()));
  const acquireTime = micro(s.acquireTime);
  const renewTime = micro(s.renewTime);
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    spec: {
      ...(s.holderIdentity !== undefined ? { holderIdentity: s.holderIdentity } : {}),
      ...(s.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: s.leaseDurationSeconds } : {}),
      ...(acquireTime !== undefined ? { acquireTime } : {}),
      ...(renewTime !== undefined ? { renewTime } : {}),
      ...(s.leaseTransitions !== undefined ? { leaseTransitions: s.leaseTransitions } : {}),
    },
  };
}

/**
 * A Date that serialises as metav1.MicroTime (6 fractional digits). client-node's serializer calls
 * toISOString(), whose milliseconds the API server refuses for Lease times ("cannot parse .889Z as
 * .000000"); found against kube-apiserver 1.33.
 */
class MicroTime extends Date {
  override toISOString(): string {
    return toMicroTime(this.getTime());
  }

  override toJSON(): string {
    return this.toISOString();
  }
}

export function toV1Lease(name: string, namespace: string, spec: LeaseSpec, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: spec.holderIdentity ?? '',
      ...(spec.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: spec.leaseDurationSeconds } : {}),
      ...(spec.acquireTime !== undefined ? { acquireTime: new MicroTime(spec.acquireTime) } : {}),
      ...(spec.renewTime !== undefined ? { renewTime: new MicroTime(spec.renewTime) } : {}),
      ...(spec.leaseTransitions !== undefined ? { leaseTransitions: spec.leaseTransitions } : {}),
    },
  };
}

/** A LeaseClient on client-node's CoordinationV1Api for the Lease `namespace/name`. */
export function createKubeLeaseClient(kc: KubeConfig, namespace: string, name: string): LeaseClient {
  const api = kc.makeApiClient(CoordinationV1Api);
  return {
    async get() {
      try {
        return toLeaseObject(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (code(err) === 404) return undefined;
        throw err;
      }
    },
    async create(spec) {
      return toLeaseObject(await api.createNamespacedLease({ namespace, body: toV1Lease(name, namespace, spec) }));
    },
    async update(resourceVersion, spec) {
      return toLeaseObject(await api.replaceNamespacedLease({ name, namespace, body: toV1Lease(name, namespace, spec, resourceVersion) }));
    },
  };
}
