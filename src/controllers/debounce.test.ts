import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../kube/fake-clock.ts';
import { createDebouncer } from './debounce.ts';

describe('createDebouncer', () => {
  it.each([
    { name: 'one trigger runs after the quiet period', triggersAt: [0], advanceTo: 100, runs: 1 },
    { name: 'nothing runs before the quiet period', triggersAt: [0], advanceTo: 99, runs: 0 },
    { name: 'a burst collapses into one run', triggersAt: [0, 50, 90], advanceTo: 190, runs: 1 },
    { name: 'a burst is extended by each trigger', triggersAt: [0, 50, 90], advanceTo: 189, runs: 0 },
    { name: 'a long burst still runs at maxMs', triggersAt: [0, 80, 160, 240, 320, 400, 480, 560, 640, 720, 800, 880, 960], advanceTo: 1000, runs: 1 },
  ])('$name', async ({ triggersAt, advanceTo, runs }) => {
    const clock = createFakeClock(0);
    let count = 0;
    const debouncer = createDebouncer(clock, { quietMs: 100, maxMs: 1000 }, () => {
      count++;
    });
    let now = 0;
    for (const at of triggersAt) {
      clock.advance(at - now);
      now = at;
      debouncer.trigger();
    }
    clock.advance(advanceTo - now);
    await Promise.resolve();
    await Promise.resolve();
    expect(count).toBe(runs);
  });

  it('runs once more when triggered during a run', async () => {
    const clock = createFakeClock(0);
    let count = 0;
    let release: () => void = () => undefined;
    const debouncer = createDebouncer(clock, { quietMs: 10, maxMs: 100 }, async () => {
      count++;
      if (count === 1) await new Promise<void>((r) => (release = r));
    });
    debouncer.trigger();
    clock.advance(10);
    await Promise.resolve();
    debouncer.trigger();
    clock.advance(10);
    release();
    await debouncer.flush();
    expect(count).toBe(2);
  });

  it('flush runs pending work immediately and cancel drops it', async () => {
    const clock = createFakeClock(0);
    let count = 0;
    const debouncer = createDebouncer(clock, { quietMs: 100, maxMs: 1000 }, () => {
      count++;
    });
    debouncer.trigger();
    await debouncer.flush();
    expect(count).toBe(1);
    debouncer.trigger();
    debouncer.cancel();
    clock.advance(2000);
    await debouncer.flush();
    expect(count).toBe(1);
  });
});
