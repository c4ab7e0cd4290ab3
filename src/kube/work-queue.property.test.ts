import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.ts';
import { createWorkQueue, type ReconcileOutcome } from './work-queue.ts';

const log = pino({ level: 'silent' });
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

type Step = { readonly op: 'add'; readonly key: string } | { readonly op: 'settle'; readonly index: number; readonly outcome: 'done' | 'retry' } | { readonly op: 'tick' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c', 'd') }),
  fc.record({ op: fc.constant('settle' as const), index: fc.nat(5), outcome: fc.constantFrom('done' as const, 'retry' as const) }),
  fc.record({ op: fc.constant('tick' as const) }),
);

describe('work queue invariants (property)', () => {
  it('never runs a key twice at once, respects concurrency, and runs every added key after its add', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), fc.integer({ min: 1, max: 3 }), async (steps, concurrency) => {
        const clock = createFakeClock();
        const running: { key: string; resolve: (o: ReconcileOutcome) => void }[] = [];
        /** Keys added since their last reconcile started: each must start again later. */
        const owed = new Set<string>();
        const violations: string[] = [];
        const queue = createWorkQueue({
          clock,
          log,
          concurrency,
          backoff: { baseMs: 10, maxMs: 40 },
          reconcile: (key) =>
            new Promise<ReconcileOutcome>((resolve) => {
              // Recorded, not thrown: the queue would treat a throw as a failed reconcile.
              if (running.some((r) => r.key === key)) violations.push(`${key} ran twice at once`);
              owed.delete(key);
              running.push({ key, resolve });
              if (running.length > concurrency) violations.push(`${running.length} running > ${concurrency}`);
            }),
        });
        const settle = async (index: number, outcome: 'done' | 'retry'): Promise<void> => {
          const call = running.splice(index, 1)[0];
          if (call === undefined) return;
          call.resolve(outcome === 'done' ? { type: 'done' } : { type: 'retry', error: new Error('x') });
          await flush();
        };
        for (const step of steps) {
          if (step.op === 'add') {
            owed.add(step.key);
            queue.add(step.key);
          } else if (step.op === 'settle') await settle(step.index % Math.max(1, running.length), step.outcome);
          else clock.advance(10);
          await flush();
        }
        // Drain: settle everything as done and let backoffs fire until quiet.
        for (let i = 0; i < 200 && (running.length > 0 || clock.pendingTimers() > 0 || queue.depth() > 0); i++) {
          if (running.length > 0) await settle(0, 'done');
          else clock.advance(50);
          await flush();
        }
        expect(violations).toEqual([]);
        expect([...owed]).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
