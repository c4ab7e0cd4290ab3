import type { Clock, TimerHandle } from './clock.ts';

/** A manual clock for tests: time moves only through `advance`, which fires due timers in order. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  pendingTimers(): number;
}

interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

export function createFakeClock(startMs = Date.parse('2026-11-22T00:00:00Z')): FakeClock {
  let nowMs = startMs;
  let nextId = 1;
  let timers: PendingTimer[] = [];
  return {
    now: () => nowMs,
    setTimeout(callback, delayMs): TimerHandle {
      const id = nextId++;
      timers.push({ id, dueMs: nowMs + Math.max(0, delayMs), callback });
      return { id };
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle.id);
    },
    advance(ms) {
      const target = nowMs + ms;
      for (;;) {
        const due = timers.filter((t) => t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
        if (due === undefined) break;
        timers = timers.filter((t) => t.id !== due.id);
        nowMs = Math.max(nowMs, due.dueMs);
        due.callback();
      }
      nowMs = target;
    },
    pendingTimers: () => timers.length,
  };
}
