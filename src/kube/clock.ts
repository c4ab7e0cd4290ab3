/**
 * The time source of the controller runtime. Injected everywhere so tests drive time explicitly
 * (see fake-clock.ts) and never sleep.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock; timers are unref'd so a pending requeue never keeps the process alive. */
export function createRealClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, delayMs) {
      const id = nextId++;
      const timer = setTimeout(() => {
        timers.delete(id);
        callback();
      }, Math.max(0, delayMs));
      timer.unref();
      timers.set(id, timer);
      return { id };
    },
    clearTimeout(handle) {
      const timer = timers.get(handle.id);
      if (timer === undefined) return;
      clearTimeout(timer);
      timers.delete(handle.id);
    },
  };
}
