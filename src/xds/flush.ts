/**
 * The part of a flush that SotW and delta streams share: which names to look at, and replaying a
 * response another stream in the same position already built instead of building it again.
 */
import type { EncodedResponse, StreamContext, StreamCore, TypeState } from './stream-core.ts';

/** The names a flush must look at: the dirty ones, or everything the stream might hold or want. */
export function flushCandidates(ctx: StreamContext, core: StreamCore, state: TypeState): Iterable<string> {
  if (!state.dirtyAll) return state.dirty;
  const all = new Set(state.names);
  for (const name of state.held.keys()) all.add(name);
  if (state.wildcard) for (const name of ctx.cache.names(core.group, state.typeUrl)) all.add(name);
  return all;
}

/** Sends what `state` needs now: a shared recorded response if there is one, else `compute`'s. */
export function flushState(core: StreamCore, state: TypeState, compute: (state: TypeState) => EncodedResponse | undefined): void {
  const startedAtNs = process.hrtime.bigint();
  const slot = core.memoSlot(state);
  const recorded = slot === undefined ? undefined : core.recall(slot);
  if (recorded !== undefined) {
    core.replay(state, recorded, startedAtNs);
    return;
  }
  const response = compute(state);
  if (slot !== undefined) core.remember(state, slot, response);
  else state.held.compact();
  if (response === undefined) core.releaseHolds(state);
  else core.send(state, response.bytes, response.version, response.nonce, response.carried, startedAtNs);
}
