/**
 * One state-of-the-world ADS stream (StreamAggregatedResources). Checklist items (xds.md §2)
 * are marked where they are implemented.
 */
import { isGrpcClient, type SotwRequest } from './requests.ts';
import type { XdsResource } from './resource.ts';
import type { NameSet } from './name-set.ts';
import { flushCandidates, flushState } from './flush.ts';
import { createStreamCore, type EncodedResponse, type StreamContext, type StreamCore, type TransportWriter, type TypeState } from './stream-core.ts';
import { allowsLegacyWildcard, requiresFullState, SHORT_NAMES } from './type-urls.ts';
import { encodeSotwResponse } from './wire.ts';

export interface SotwStream {
  readonly core: StreamCore;
  handle(request: SotwRequest): void;
}

export function createSotwStream(ctx: StreamContext, writer: TransportWriter): SotwStream {
  const core = createStreamCore({ ...ctx, pipelines: true }, writer, flush);

  function handle(request: SotwRequest): void {
    const state = core.begin(request);
    if (state === undefined) return;
    // Item 4: a request that does not answer our latest response of this type raced a push; ignore it.
    if (state.lastNonce !== '' && request.responseNonce !== state.lastNonce) {
      // The answer to a response we sent another one over: it only frees that slot.
      if (core.answerSuperseded(state, request.responseNonce)) return;
      ctx.log.debug({ stream: ctx.id, type: SHORT_NAMES[state.typeUrl], nonce: request.responseNonce, latest: state.lastNonce }, 'ignoring stale nonce');
      return;
    }
    // Items 6–8: ACK/NACK by error_detail; neither triggers a response by itself.
    core.settle(state, request.responseNonce, request.versionInfo, request.errorDetail);
    // Most requests are ACKs repeating the same list: skip the subscription diff for them.
    if (state.requested && request.namesKey.equals(state.names.key)) {
      core.schedule();
      return;
    }
    applySubscription(state, ctx.share.nameSets.fromRequest(request.namesKey, () => request.resourceNames));
    core.schedule();
  }

  function applySubscription(state: TypeState, names: NameSet): void {
    const first = !state.requested;
    state.requested = true;
    const explicitWildcard = names.star;
    // Item 10: legacy wildcard only while the stream never named anything for this type, only for
    // LDS/CDS, and never for gRPC clients, whose empty list means "unsubscribe all".
    const legacy = names.size === 0 && !state.everNamed && allowsLegacyWildcard(state.typeUrl) && !isGrpcClient(core.node);
    const wildcard = explicitWildcard || legacy;
    if (names.size > 0 || explicitWildcard) state.everNamed = true;
    for (const name of state.names) if (!names.has(name) && !wildcard) state.held.delete(name);
    for (const name of names) {
      if (state.names.has(name)) continue;
      // Item 9: a (re)subscribed name is sent even if unchanged and sent before (unless the
      // wildcard held it all along).
      if (!state.wildcard) state.held.delete(name);
      state.dirty.add(name);
    }
    core.setNames(state, names);
    if (wildcard !== state.wildcard) {
      core.setWildcard(state, wildcard);
      state.dirtyAll = true;
      if (!wildcard) for (const name of [...state.held.keys()]) if (!names.has(name)) state.held.delete(name);
    }
    if (first) {
      state.dirtyAll = true;
      // Envoy needs an answer to its first wildcard request even when there is nothing (item 22).
      state.mustRespond = wildcard;
    }
  }

  function wanted(state: TypeState, name: string): XdsResource | undefined {
    if (!state.wildcard && !state.names.has(name)) return undefined;
    return ctx.cache.get(core.group, state.typeUrl, name);
  }

  function candidates(state: TypeState): Iterable<string> {
    return flushCandidates(ctx, core, state);
  }

  function flush(state: TypeState): void {
    flushState(core, state, compute);
  }

  /** The response `state` needs now, or undefined; updates `held` as if it were sent. */
  function compute(state: TypeState): EncodedResponse | undefined {
    const changed: XdsResource[] = [];
    let removed = false;
    for (const name of candidates(state)) {
      const resource = wanted(state, name);
      const held = state.held.get(name);
      if (resource !== undefined) {
        if (held !== resource.version) changed.push(resource);
      } else if (held !== undefined) {
        state.held.delete(name);
        removed = true;
      }
    }
    state.dirty.clear();
    state.dirtyAll = false;
    const fullState = requiresFullState(state.typeUrl);
    if (changed.length === 0 && !(removed && fullState) && !state.mustRespond) return undefined;
    // Item 11: LDS/CDS carry every subscribed resource; item 12: RDS/EDS only what changed.
    // Item 13: both lists are keyed by name, so no name appears twice.
    const resources = fullState ? fullStateOf(state) : changed;
    const carried = new Map<string, string>();
    const fields: Uint8Array[] = [];
    for (const resource of resources) {
      state.held.set(resource.name, resource.version);
      carried.set(resource.name, resource.version);
      fields.push(resource.sotwField);
    }
    // Item 3: a fresh nonce on every response.
    const { version, nonce } = core.nextIds();
    const bytes = encodeSotwResponse({ versionInfo: version, typeUrl: state.typeUrl, nonce, controlPlane: ctx.controlPlane, resourceFields: fields });
    return { bytes, version, nonce, carried };
  }

  function fullStateOf(state: TypeState): XdsResource[] {
    const out: XdsResource[] = [];
    const names = state.wildcard ? ctx.cache.names(core.group, state.typeUrl) : state.names;
    for (const name of names) {
      const resource = ctx.cache.get(core.group, state.typeUrl, name);
      if (resource !== undefined) out.push(resource);
    }
    return out;
  }

  return { core, handle };
}
