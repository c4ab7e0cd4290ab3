/**
 * Coalesces bursts of triggers into one run: it runs `quietMs` after the last trigger, but never
 * later than `maxMs` after the first one of a burst (Istio's debounce, Contour's holdoff).
 * A trigger during a run schedules one more run after it.
 */
import type { Clock, TimerHandle } from '../kube/clock.ts';

export interface Debouncer {
  trigger(): void;
  /** Runs now if anything is pending, and resolves when no run is pending or running. */
  flush(): Promise<void>;
  cancel(): void;
}

export function createDebouncer(clock: Clock, opts: { readonly quietMs: number; readonly maxMs: number }, run: () => Promise<void> | void): Debouncer {
  let timer: TimerHandle | undefined;
  let firstAt: number | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const fire = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    firstAt = undefined;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = Promise.resolve()
      .then(run)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          fire();
        }
      });
  };

  return {
    trigger() {
      const now = clock.now();
      firstAt ??= now;
      if (timer !== undefined) clock.clearTimeout(timer);
      const delay = Math.min(opts.quietMs, Math.max(0, firstAt + opts.maxMs - now));
      timer = clock.setTimeout(fire, delay);
    },
    async flush() {
      if (timer !== undefined) fire();
      while (running !== undefined) await running;
    },
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      firstAt = undefined;
      again = false;
    },
  };
}
