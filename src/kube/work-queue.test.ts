import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.ts';
import { backoffDelayMs, createWorkQueue, type ReconcileOutcome, type ReconcileResult, type WorkQueueOptions } from './work-queue.ts';

const log = pino({ level: 'silent' });

interface Call {
  readonly key: string;
  readonly signal: AbortSignal;
  resolve(outcome: ReconcileOutcome): void;
  reject(err: unknown): void;
}

/** A reconciler whose calls stay pending until the test settles them. */
function harness(overrides: Partial<WorkQueueOptions> = {}) {
  const clock = createFakeClock();
  const calls: Call[] = [];
  const results: ReconcileResult[] = [];
  const depths: number[] = [];
  const queue = createWorkQueue({
    clock,
    log,
    reconcile: (key, signal) =>
      new Promise<ReconcileOutcome>((resolve, reject) => {
        calls.push({ key, signal, resolve, reject });
      }),
    metrics: { reconciled: (r) => results.push(r), depth: (d) => depths.push(d) },
    backoff: { baseMs: 100, maxMs: 1000 },
    ...overrides,
  });
  const running = (): string[] => calls.map((c) => c.key);
  /** Settles the oldest pending call for `key` and lets the queue react. */
  const settle = async (key: string, outcome: ReconcileOutcome | Error): Promise<void> => {
    const index = calls.findIndex((c) => c.key === key);
    const call = calls[index];
    if (call === undefined) throw new Error(`no pending call for ${key}`);
    calls.splice(index, 1);
    if (outcome instanceof Error) call.reject(outcome);
    else call.resolve(outcome);
    await flush();
  };
  return { clock, calls, results, depths, queue, running, settle };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
const done: ReconcileOutcome = { type: 'done' };

describe('backoffDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [60, 1000],
  ])('failure %i → %i ms', (failures, expected) => {
    expect(backoffDelayMs(failures, { baseMs: 100, maxMs: 1000 })).toBe(expected);
  });
});

describe('createWorkQueue', () => {
  it('de-duplicates a key added several times before it runs', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.add('a');
    h.queue.add('b');
    h.queue.add('b');
    h.queue.add('b');
    expect(h.running()).toEqual(['a']);
    expect(h.queue.depth()).toBe(1);
    await h.settle('a', done);
    expect(h.running()).toEqual(['b']);
    await h.settle('b', done);
    expect(h.running()).toEqual([]);
    expect(h.results).toEqual(['done', 'done']);
  });

  it('never runs one key twice at once, and re-runs it once if added while running', async () => {
    const h = harness({ concurrency: 4 });
    h.queue.add('a');
    h.queue.add('a');
    h.queue.add('a');
    expect(h.running()).toEqual(['a']);
    await h.settle('a', done);
    expect(h.running()).toEqual(['a']);
    await h.settle('a', done);
    expect(h.running()).toEqual([]);
  });

  it.each([1, 2, 3])('runs at most %i different keys at once', async (concurrency) => {
    const h = harness({ concurrency });
    for (const key of ['a', 'b', 'c', 'd', 'e']) h.queue.add(key);
    expect(h.running()).toHaveLength(concurrency);
    expect(h.queue.depth()).toBe(5 - concurrency);
    await h.settle('a', done);
    expect(h.running()).toHaveLength(concurrency);
  });

  it('backs off exponentially on retry and resets on success', async () => {
    const h = harness();
    h.queue.add('a');
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await h.settle('a', { type: 'retry', error: new Error('boom') });
      let waited = 0;
      while (h.running().length === 0) {
        h.clock.advance(50);
        waited += 50;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800]);
    expect(h.queue.failures('a')).toBe(4);
    await h.settle('a', done);
    expect(h.queue.failures('a')).toBe(0);
  });

  it('treats a throwing reconciler as a retry and counts it as an error', async () => {
    const h = harness();
    h.queue.add('a');
    await h.settle('a', new Error('bug'));
    expect(h.results).toEqual(['error']);
    expect(h.queue.failures('a')).toBe(1);
    h.clock.advance(99);
    expect(h.running()).toEqual([]);
    h.clock.advance(1);
    expect(h.running()).toEqual(['a']);
  });

  it('requeues after the requested delay and not before', async () => {
    const h = harness();
    h.queue.add('a');
    await h.settle('a', { type: 'requeueAfter', delayMs: 5000 });
    h.clock.advance(4999);
    expect(h.running()).toEqual([]);
    h.clock.advance(1);
    expect(h.running()).toEqual(['a']);
  });

  it('does not requeue a terminal outcome', async () => {
    const h = harness();
    h.queue.add('a');
    await h.settle('a', { type: 'terminal', error: new Error('invalid spec') });
    h.clock.advance(10 * 60_000);
    expect(h.running()).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.results).toEqual(['terminal']);
  });

  it('an earlier addAfter replaces a later one, a later one is ignored', () => {
    const h = harness();
    h.queue.addAfter('a', 1000);
    h.queue.addAfter('a', 300);
    h.queue.addAfter('a', 2000);
    expect(h.clock.pendingTimers()).toBe(1);
    h.clock.advance(300);
    expect(h.running()).toEqual(['a']);
  });

  it('reports queue depth', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.add('a');
    h.queue.add('b');
    h.queue.add('c');
    expect(h.depths.at(-1)).toBe(2);
    await h.settle('a', done);
    expect(h.depths.at(-1)).toBe(1);
  });

  it('idle() resolves once queued and running keys are done', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.add('a');
    h.queue.add('b');
    let idle = false;
    void h.queue.idle().then(() => (idle = true));
    await h.settle('a', done);
    expect(idle).toBe(false);
    await h.settle('b', done);
    expect(idle).toBe(true);
  });

  it('shutdown without drain drops queued keys, aborts and waits for running ones', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.add('a');
    h.queue.add('b');
    h.queue.addAfter('c', 100);
    let stopped = false;
    void h.queue.shutdown().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(h.calls[0]?.signal.aborted).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
    await h.settle('a', { type: 'retry', error: new Error('aborted') });
    expect(stopped).toBe(true);
    expect(h.running()).toEqual([]);
    h.queue.add('d');
    expect(h.running()).toEqual([]);
  });

  it('shutdown with drain runs what is queued, then stops', async () => {
    const h = harness({ concurrency: 1 });
    h.queue.add('a');
    h.queue.add('b');
    let stopped = false;
    void h.queue.shutdown({ drain: true }).then(() => (stopped = true));
    h.queue.add('late');
    await h.settle('a', done);
    expect(h.running()).toEqual(['b']);
    expect(stopped).toBe(false);
    await h.settle('b', { type: 'requeueAfter', delayMs: 10 });
    expect(stopped).toBe(true);
    h.clock.advance(100);
    expect(h.running()).toEqual([]);
  });

  it('shutdown of an idle queue resolves at once', async () => {
    const h = harness();
    await expect(h.queue.shutdown()).resolves.toBeUndefined();
  });
});
