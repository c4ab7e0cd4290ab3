import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock, type FakeClock } from './fake-clock.ts';
import { CLIENT_GO_TIMINGS, createLeaderElector, decideLease, toMicroTime, toV1Lease, type LeaderElector, type LeaseClient, type LeaseObject, type LeaseSpec } from './leader-election.ts';

const log = pino({ level: 'silent' });
const T = CLIENT_GO_TIMINGS;

/** One Lease in an in-memory "API server" with resourceVersion checks. */
function leaseStore() {
  let lease: LeaseObject | undefined;
  let rv = 0;
  const writes: { who: string; spec: LeaseSpec }[] = [];
  const conflict = (): Error => Object.assign(new Error('409 Conflict'), { code: 409 });
  const clientFor = (who: string, isDown: () => boolean = () => false): LeaseClient => {
    const guard = (): void => {
      if (isDown()) throw new Error('connection refused');
    };
    return {
      get: () => Promise.resolve().then(() => (guard(), lease)),
      create: (spec) =>
        Promise.resolve().then(() => {
          guard();
          if (lease !== undefined) throw conflict();
          lease = { resourceVersion: String(++rv), spec };
          writes.push({ who, spec });
          return lease;
        }),
      update: (resourceVersion, spec) =>
        Promise.resolve().then(() => {
          guard();
          if (lease?.resourceVersion !== resourceVersion) throw conflict();
          lease = { resourceVersion: String(++rv), spec };
          writes.push({ who, spec });
          return lease;
        }),
    };
  };
  return { clientFor, current: () => lease, writes };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

interface Candidate {
  readonly elector: LeaderElector;
  readonly events: string[];
  down: boolean;
}

function candidate(store: ReturnType<typeof leaseStore>, clock: FakeClock, identity: string): Candidate {
  const c: { elector?: LeaderElector; events: string[]; down: boolean } = { events: [], down: false };
  c.elector = createLeaderElector({
    client: store.clientFor(identity, () => c.down),
    identity,
    clock,
    log,
    random: () => 0.5,
    onStartedLeading: () => c.events.push('started'),
    onStoppedLeading: () => c.events.push('stopped'),
  });
  return c as Candidate;
}

/** Advances time in 100 ms steps, letting promises settle, and checks there is never more than one leader. */
async function run(clock: FakeClock, ms: number, candidates: readonly Candidate[]): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    await flush();
    expect(candidates.filter((c) => c.elector.isLeader()).length).toBeLessThanOrEqual(1);
  }
}

/** `a` starts first and leads, `b` starts as its standby, then `settleMs` pass on `advancing`. */
async function leaderAndStandby(clock: FakeClock, settleMs: number, advancing: FakeClock = clock): Promise<{ store: ReturnType<typeof leaseStore>; a: Candidate; b: Candidate }> {
  const store = leaseStore();
  const a = candidate(store, clock, 'a');
  const b = candidate(store, clock, 'b');
  a.elector.start();
  await flush();
  b.elector.start();
  await run(advancing, settleMs, [a, b]);
  return { store, a, b };
}

describe('decideLease', () => {
  const now = Date.parse('2026-11-22T00:01:00Z');
  const lease = (spec: LeaseSpec): LeaseObject => ({ resourceVersion: '7', spec });
  const held = (holder: string): LeaseSpec => ({ holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: 'a0', renewTime: 'r0', leaseTransitions: 3 });

  it.each([
    ['no lease: create', undefined, undefined, { type: 'create' }],
    ['held by another, seen 5 s ago', lease(held('b')), now - 5_000, { type: 'heldByOther', holder: 'b', expiresAtMs: now + 10_000 }],
    ['held by another, unchanged for 15 s: take over', lease(held('b')), now - 15_000, { type: 'update', resourceVersion: '7', spec: { holderIdentity: 'a', leaseTransitions: 4, acquireTime: toMicroTime(now) } }],
    ['held by me: renew, keep acquireTime and transitions', lease(held('a')), now - 1_000, { type: 'update', spec: { holderIdentity: 'a', leaseTransitions: 3, acquireTime: 'a0', renewTime: toMicroTime(now) } }],
    ['released (empty holder): acquire at once', lease({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 }), now, { type: 'update', spec: { holderIdentity: 'a', leaseTransitions: 4 } }],
  ])('%s', (_n, l, observedAtMs, expected) => {
    const observation = observedAtMs === undefined ? undefined : { record: 'x', observedAtMs };
    expect(decideLease(l, observation, 'a', now, T)).toMatchObject(expected);
  });

  it('judges expiry by when it observed the record, not by renewTime (clock skew)', () => {
    const skewed = lease({ ...held('b'), renewTime: '2000-01-01T00:00:00.000000Z' });
    expect(decideLease(skewed, { record: 'x', observedAtMs: now - 1_000 }, 'a', now, T).type).toBe('heldByOther');
  });
});

describe('createLeaderElector', () => {
  it('a lone candidate acquires at once and renews every retry period', async () => {
    const clock = createFakeClock();
    const store = leaseStore();
    const a = candidate(store, clock, 'a');
    a.elector.start();
    await flush();
    expect(a.events).toEqual(['started']);
    expect(store.current()?.spec.holderIdentity).toBe('a');
    await run(clock, 10_000, [a]);
    expect(store.writes.filter((w) => w.who === 'a').length).toBe(1 + 10_000 / T.retryPeriodMs);
    expect(a.events).toEqual(['started']);
  });

  it('a standby takes over within the lease time after the leader dies, never overlapping', async () => {
    const clock = createFakeClock();
    const { store, a, b } = await leaderAndStandby(clock, 10_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.events).toEqual([]);
    a.down = true; // crashed or partitioned: no release
    let waited = 0;
    while (!b.elector.isLeader()) {
      await run(clock, 100, [a, b]);
      waited += 100;
    }
    expect(a.events).toEqual(['started', 'stopped']);
    expect(waited).toBeLessThanOrEqual(T.leaseDurationMs + T.retryPeriodMs * 2.2);
    expect(store.current()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('the old leader stops before the lease can expire for others', async () => {
    const clock = createFakeClock();
    const store = leaseStore();
    const a = candidate(store, clock, 'a');
    a.elector.start();
    await flush();
    a.down = true;
    await run(clock, T.renewDeadlineMs - 2_000, [a]);
    expect(a.elector.isLeader()).toBe(true);
    await run(clock, 2_100, [a]);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['started', 'stopped']);
  });

  it.each([
    ['just renewed', 0, true],
    ['paused for less than the renew deadline', T.renewDeadlineMs - 2_001, true],
    ['paused past the renew deadline, before the watchdog could fire', T.renewDeadlineMs, false],
  ])('mayWrite when %s: %s', async (_name, pausedMs, expected) => {
    const fake = createFakeClock();
    let jumpMs = 0;
    // A paused process: its clock jumps ahead before any of its timers get to run.
    const clock = { ...fake, now: () => fake.now() + jumpMs };
    const { a, b } = await leaderAndStandby(clock, 2_000, fake);
    jumpMs = pausedMs;
    expect(a.elector.isLeader()).toBe(true);
    expect(a.elector.mayWrite()).toBe(expected);
    expect(b.elector.mayWrite()).toBe(false);
  });

  it('survives renew failures shorter than the renew deadline', async () => {
    const clock = createFakeClock();
    const store = leaseStore();
    const a = candidate(store, clock, 'a');
    a.elector.start();
    await flush();
    a.down = true;
    await run(clock, 6_000, [a]);
    a.down = false;
    await run(clock, 20_000, [a]);
    expect(a.events).toEqual(['started']);
  });

  it('stop() releases the lease so a standby takes over at its next retry', async () => {
    const clock = createFakeClock();
    const { store, a, b } = await leaderAndStandby(clock, 4_000);
    await a.elector.stop();
    expect(a.events).toEqual(['started', 'stopped']);
    expect(store.current()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await run(clock, T.retryPeriodMs * 2.2 + 100, [a, b]);
    expect(b.elector.isLeader()).toBe(true);
  });

  it('two candidates racing for a missing lease: exactly one wins', async () => {
    const clock = createFakeClock();
    const store = leaseStore();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    a.elector.start();
    b.elector.start();
    await flush();
    await run(clock, 30_000, [a, b]);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(new Set(store.writes.map((w) => w.who)).size).toBe(1);
  });

  it('stop() of a standby writes nothing', async () => {
    const clock = createFakeClock();
    const { store, b } = await leaderAndStandby(clock, 4_000);
    const before = store.writes.length;
    await b.elector.stop();
    expect(store.writes.length).toBe(before);
    expect(b.events).toEqual([]);
  });
});

describe('toV1Lease', () => {
  it('serialises lease times as MicroTime (six fractional digits), which the API server requires', () => {
    const lease = toV1Lease('weft-operator', 'default', { holderIdentity: 'a', acquireTime: '2026-11-22T02:34:12.889000Z', renewTime: '2026-11-22T02:34:13.000000Z' }, '42');
    expect(lease.spec?.acquireTime?.toISOString()).toBe('2026-11-22T02:34:12.889000Z');
    expect(JSON.parse(JSON.stringify(lease)) as unknown).toMatchObject({ metadata: { resourceVersion: '42' }, spec: { renewTime: '2026-11-22T02:34:13.000000Z' } });
  });
});
