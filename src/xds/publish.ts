/**
 * Convergence tracking for one cache publish: every stream woken by the publish holds the
 * publish until the client has ACKed (or NACKed) the response carrying the change, or the
 * stream has decided there is nothing to send, or the stream closes. When the last hold is
 * released the publish has converged.
 */
export interface Publish {
  readonly id: number;
  /** process.hrtime.bigint() at the setResources call. */
  readonly startedAtNs: bigint;
  /** Resolves once every woken subscriber has answered. */
  readonly converged: Promise<void>;
  /** Takes one hold; the returned function releases it (calling it twice is harmless). */
  hold(): () => void;
}

export interface PublishControl extends Publish {
  /** Called once all watchers have been notified; converges at once if nobody took a hold. */
  sealed(): void;
}

let nextId = 1;

export function createPublish(onConverged: (publish: Publish, seconds: number) => void): PublishControl {
  let outstanding = 0;
  let isSealed = false;
  let done = false;
  // Made on first read: most publishes are never awaited, and each change makes one.
  let converged: Promise<void> | undefined;
  let resolve: (() => void) | undefined;
  const publish: PublishControl = {
    id: nextId++,
    startedAtNs: process.hrtime.bigint(),
    get converged() {
      converged ??= done
        ? Promise.resolve()
        : new Promise<void>((r) => {
            resolve = r;
          });
      return converged;
    },
    hold() {
      outstanding++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        outstanding--;
        settle();
      };
    },
    sealed() {
      isSealed = true;
      settle();
    },
  };
  function settle(): void {
    if (done || !isSealed || outstanding > 0) return;
    done = true;
    onConverged(publish, Number(process.hrtime.bigint() - publish.startedAtNs) / 1e9);
    resolve?.();
  }
  return publish;
}
