/**
 * One incremental ADS stream (DeltaAggregatedResources). Checklist items (xds.md §2) are marked
 * where they are implemented.
 */
import { deltaFieldOf, type XdsResource } from './resource.ts';
import { isGrpcClient, type DeltaRequest } from './requests.ts';
import type { NameSet } from './name-set.ts';
import { flushCandidates, flushState } from './flush.ts';
import { createStreamCore, type EncodedResponse, type StreamContext, type StreamCore, type TransportWriter, type TypeState } from './stream-core.ts';
import { allowsLegacyWildcard } from './type-urls.ts';
import { encodeDeltaResponse } from './wire.ts';

/** `held` value of an explicitly subscribed name the client was told does not exist. */
const MISSING = '\u0000missing';

export interface DeltaStream {
  readonly core: StreamCore;
  handle(request: DeltaRequest): void;
}

export function createDeltaStream(ctx: StreamContext, writer: TransportWriter): DeltaStream {
  const core = createStreamCore(ctx, writer, flush);

  function handle(request: DeltaRequest): void {
    const state = core.begin(request);
    if (state === undefined) return;
    // Item 5: a stale nonce only means this is not an ACK; subscription changes always apply.
    core.settle(state, request.responseNonce, '', request.errorDetail);
    const first = !state.requested;
    state.requested = true;
    if (first) {
      // Item 16: what the client already holds (e.g. from a previous control-plane process).
      for (const [name, version] of request.initialResourceVersions) state.held.set(name, version);
      state.dirtyAll = true;
    }
    const names = ctx.share.nameSets.derive(state.names, request.subscribe, request.unsubscribe);
    subscribe(state, request, first, names);
    unsubscribe(state, request.unsubscribe, names);
    core.setNames(state, names);
    if (first && state.wildcard) state.mustRespond = true;
    core.schedule();
  }

  /** Applies `request.subscribe`; `names` is the new subscription (not yet in `state`). */
  function subscribe(state: TypeState, request: DeltaRequest, first: boolean, names: NameSet): void {
    for (const name of request.subscribe) {
      if (name === '*') {
        core.setWildcard(state, true);
        state.dirtyAll = true;
        continue;
      }
      if (state.names.has(name) || !names.has(name)) continue;
      // Item 9: a newly subscribed name is sent even if the client had it before, unless it
      // declared that exact version in this first request.
      if (!(first && request.initialResourceVersions.has(name))) state.held.delete(name);
      state.dirty.add(name);
    }
    const legacy = first && request.subscribe.length === 0 && allowsLegacyWildcard(state.typeUrl) && !isGrpcClient(core.node);
    if (legacy) core.setWildcard(state, true);
  }

  function unsubscribe(state: TypeState, unsubscribed: readonly string[], names: NameSet): void {
    for (const name of unsubscribed) {
      if (name === '*') {
        core.setWildcard(state, false);
        for (const held of [...state.held.keys()]) if (!names.has(held)) state.held.delete(held);
        continue;
      }
      if (state.wildcard) {
        // Item 17: still covered by the wildcard, so tell the client again whether it exists.
        state.held.set(name, '');
        state.dirty.add(name);
      } else {
        state.held.delete(name);
      }
    }
  }

  function candidates(state: TypeState): Iterable<string> {
    return flushCandidates(ctx, core, state);
  }

  function flush(state: TypeState): void {
    flushState(core, state, compute);
  }

  /** The response `state` needs now, or undefined; updates `held` as if it were sent. */
  function compute(state: TypeState): EncodedResponse | undefined {
    const resources: XdsResource[] = [];
    const removed: string[] = [];
    for (const name of candidates(state)) {
      const named = state.names.has(name);
      if (!named && !state.wildcard) continue;
      const resource = ctx.cache.get(core.group, state.typeUrl, name);
      const held = state.held.get(name);
      if (resource !== undefined) {
        // Item 18: per-resource versions drive the diff, not system_version_info.
        if (held !== resource.version) resources.push(resource);
        continue;
      }
      if (held === MISSING || (held === undefined && !named)) continue;
      // Items 15 and 16: subscribed-but-missing and held-but-gone names go to removed_resources.
      removed.push(name);
    }
    state.dirty.clear();
    state.dirtyAll = false;
    if (resources.length === 0 && removed.length === 0 && !state.mustRespond) return undefined;
    const carried = new Map<string, string>();
    for (const resource of resources) {
      state.held.set(resource.name, resource.version);
      carried.set(resource.name, resource.version);
    }
    for (const name of removed) {
      if (state.names.has(name)) state.held.set(name, MISSING);
      else state.held.delete(name);
      carried.set(name, '');
    }
    const { version, nonce } = core.nextIds();
    const bytes = encodeDeltaResponse({
      systemVersionInfo: version,
      typeUrl: state.typeUrl,
      nonce,
      controlPlane: ctx.controlPlane,
      resourceFields: resources.map(deltaFieldOf),
      removed,
    });
    return { bytes, version, nonce, carried };
  }

  return { core, handle };
}
