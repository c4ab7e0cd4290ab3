/**
 * What state-of-the-world and delta ADS streams share: per-type bookkeeping, cache watches,
 * nonces, ACK/NACK accounting, flow control and teardown.
 *
 * Flow control: each type has at most one response awaiting ACK/NACK, and nothing is written
 * while the transport reports back-pressure. Changes that arrive meanwhile are coalesced into a
 * set of dirty names, so a slow or dead client costs at most one response per type in buffers
 * plus its subscription state, whatever the change rate. Other streams are never waited on.
 */
import type { Logger } from '../log.ts';
import { createVersionTable, HeldVersions, type VersionTable } from './held-versions.ts';
import type { XdsMetrics } from './metrics.ts';
import { createNameSets, type NameSet, type NameSets } from './name-set.ts';
import type { Publish } from './publish.ts';
import { EMPTY_NODE, type ErrorDetail, type NodeInfo } from './requests.ts';
import type { XdsResource } from './resource.ts';
import type { WatchableCache, Watcher } from './snapshot-cache.ts';
import { ADS_ORDER, isXdsTypeUrl, SHORT_NAMES, type XdsTypeUrl } from './type-urls.ts';

export type StreamKind = 'sotw' | 'delta';

export interface NackRecord {
  readonly nonce: string;
  /** The version the client says it still runs (may equal the rejected one, xds.md §2 item 6). */
  readonly clientVersion: string;
  /** Our version_info of the rejected response. */
  readonly rejectedVersion: string;
  readonly code: number;
  readonly message: string;
  readonly atMs: number;
  /** name → rejected resource version */
  readonly resources: ReadonlyMap<string, string>;
}

export interface Inflight {
  readonly nonce: string;
  readonly version: string;
  readonly sentAtMs: number;
  readonly holds: readonly (() => void)[];
  /** name → version of the resources carried, '' for removals (delta). */
  readonly resources: ReadonlyMap<string, string>;
}

export interface TypeState {
  readonly typeUrl: XdsTypeUrl;
  /** The names subscribed by name (interned, shared between streams, never mutated). */
  names: NameSet;
  wildcard: boolean;
  requested: boolean;
  everNamed: boolean;
  /** The next flush must answer even if there is nothing to send (first wildcard request). */
  mustRespond: boolean;
  readonly dirty: Set<string>;
  dirtyAll: boolean;
  /** What the client holds, name → version ('' = force a resend); shared copy-on-write. */
  readonly held: HeldVersions;
  holds: (() => void)[];
  inflight: Inflight | undefined;
  /**
   * SotW: unACKed responses that `inflight` went out over, oldest first (see `pipelines`). Their
   * answers carry stale nonces (item 4) and only release them.
   */
  superseded: Inflight[];
  lastNonce: string;
  sentVersion: string;
  ackedVersion: string;
  lastSentAtMs: number;
  lastNack: NackRecord | undefined;
  /** name → version rejected by the client and not superseded since. */
  readonly rejected: Map<string, string>;
}

/** One response as sent: shared by every stream that made the same transition. */
export interface EncodedResponse {
  readonly bytes: Buffer;
  readonly version: string;
  readonly nonce: string;
  /** name → version carried, '' for removals (delta). */
  readonly carried: ReadonlyMap<string, string>;
}

/** Where a stream with a shared version table goes for given inputs (see recall/remember). */
export interface Transition {
  readonly next: VersionTable;
  readonly response: EncodedResponse | undefined;
}

/** Per-server state the streams share: interned name sets, the empty table, response ids. */
export interface StreamShare {
  readonly nameSets: NameSets;
  readonly emptyTable: VersionTable;
  /** A response id unique within the server: the nonce, and the suffix of version_info. */
  nextResponseId(): string;
}

export function createStreamShare(): StreamShare {
  let responseCounter = 0;
  return { nameSets: createNameSets(), emptyTable: createVersionTable(new Map(), true), nextResponseId: () => (++responseCounter).toString(36) };
}

/** A memo slot: the table a stream left from and the key of its inputs. */
export interface MemoSlot {
  readonly table: VersionTable;
  readonly key: string;
}

/** SotW responses of one type in flight at most (see StreamContext.pipelines). */
export const PIPELINE_DEPTH = 8;

/** Transitions kept per table; older ones (older cache generations) are dropped first. */
const TRANSITIONS_PER_TABLE = 4;

export interface StreamContext {
  readonly id: number;
  readonly share: StreamShare;
  readonly kind: StreamKind;
  readonly cache: WatchableCache;
  readonly log: Logger;
  readonly metrics: XdsMetrics;
  readonly controlPlane: Uint8Array;
  readonly versionPrefix: string;
  readonly resolveGroup: (node: NodeInfo) => string;
  /**
   * SotW: a type whose client has ACKed before may get responses over unACKed ones (at most
   * PIPELINE_DEPTH in flight), so a change does not wait a round trip for the previous change's ACK.
   */
  readonly pipelines?: boolean;
}

export interface StreamCore {
  readonly ctx: StreamContext;
  readonly connectedAtMs: number;
  readonly types: Map<XdsTypeUrl, TypeState>;
  node: NodeInfo;
  group: string;
  closed: boolean;
  /** Binds the node and group on the first request (checklist item 2); later nodes are ignored. */
  bindNode(node: NodeInfo | undefined): void;
  typeState(typeUrl: string): TypeState | undefined;
  /**
   * The start of every request: binds the node (item 2), then returns the state of the request's
   * type (item 1: each type URL is its own sub-stream), or undefined for a type we do not serve.
   */
  begin(request: { readonly node: NodeInfo | undefined; readonly typeUrl: string }): TypeState | undefined;
  /** Replaces the named subscription (taking over the caller's reference to `next`). */
  setNames(state: TypeState, next: NameSet): void;
  setWildcard(state: TypeState, on: boolean): void;
  /** Applies an ACK or NACK to the in-flight response if `nonce` is its nonce; returns whether it did. */
  settle(state: TypeState, nonce: string, clientVersion: string, error: ErrorDetail | undefined): boolean;
  /** A fresh (nonce, version_info) pair (item 3). */
  nextIds(): { readonly nonce: string; readonly version: string };
  /**
   * Response sharing: when the stream's held versions are exactly a shared table, the outcome of
   * a flush is a function of (table, group, subscription, cache generation). Returns the slot to
   * look up / record in, or undefined when the stream's state is its own.
   */
  memoSlot(state: TypeState): MemoSlot | undefined;
  /** The transition recorded in `slot`, if any. */
  recall(slot: MemoSlot): Transition | undefined;
  /** Replays a recorded transition: adopt its table and send its bytes (if any). */
  replay(state: TypeState, transition: Transition, startedAtNs: bigint): void;
  /**
   * Records the outcome of a flush computed from `slot` (held already updated) when other streams
   * still hold the table, and moves the stream onto the resulting shared table.
   */
  remember(state: TypeState, slot: MemoSlot, response: EncodedResponse | undefined): void;
  /** Writes one response; records it as in flight for `state`. */
  send(state: TypeState, bytes: Buffer, version: string, nonce: string, resources: ReadonlyMap<string, string>, startedAtNs: bigint): void;
  /** SotW: a request answering the superseded response (a stale nonce) releases it; returns whether it did. */
  answerSuperseded(state: TypeState, nonce: string): boolean;
  releaseSuperseded(state: TypeState): void;
  /** Releases publish holds of a type that had nothing to send. */
  releaseHolds(state: TypeState): void;
  schedule(): void;
  close(): void;
}

export interface TransportWriter {
  write(bytes: Buffer): boolean;
  onceDrain(listener: () => void): void;
}

function newTypeState(typeUrl: XdsTypeUrl, share: StreamShare): TypeState {
  return {
    typeUrl,
    names: share.nameSets.empty,
    wildcard: false,
    requested: false,
    everNamed: false,
    mustRespond: false,
    dirty: new Set(),
    dirtyAll: false,
    held: new HeldVersions(share.emptyTable),
    holds: [],
    inflight: undefined,
    superseded: [],
    lastNonce: '',
    sentVersion: '',
    ackedVersion: '',
    lastSentAtMs: 0,
    lastNack: undefined,
    rejected: new Map(),
  };
}

export function createStreamCore(ctx: StreamContext, writer: TransportWriter, flush: (state: TypeState) => void): StreamCore {
  let scheduled = false;
  const flow = { blocked: false };
  const isBlocked = (): boolean => flow.blocked;
  const types = new Map<XdsTypeUrl, TypeState>();

  const watcher: Watcher = {
    onChange(typeUrl: XdsTypeUrl, names: readonly string[], publish: Publish) {
      const state = types.get(typeUrl);
      if (state === undefined || core.closed) return;
      for (const name of names) state.dirty.add(name);
      state.holds.push(publish.hold());
      core.schedule();
    },
  };

  /** One response in flight per type; SotW: up to PIPELINE_DEPTH once the client has ACKed this type. */
  function canSend(state: TypeState): boolean {
    if (state.inflight === undefined) return true;
    return ctx.pipelines === true && state.superseded.length < PIPELINE_DEPTH - 1 && state.ackedVersion !== '';
  }

  function runFlush(): void {
    scheduled = false;
    if (core.closed || flow.blocked) return;
    for (const typeUrl of ADS_ORDER) {
      const state = types.get(typeUrl);
      if (state === undefined || !canSend(state)) continue;
      if (!state.mustRespond && !state.dirtyAll && state.dirty.size === 0) {
        core.releaseHolds(state);
        continue;
      }
      flush(state);
      if (isBlocked()) return;
    }
  }

  const core: StreamCore = {
    ctx,
    connectedAtMs: Date.now(),
    types,
    node: EMPTY_NODE,
    group: '',
    closed: false,
    bindNode(node) {
      if (core.group !== '') return;
      core.node = node ?? EMPTY_NODE;
      core.group = ctx.resolveGroup(core.node);
      ctx.log.info({ stream: ctx.id, kind: ctx.kind, node: core.node.id, group: core.group, userAgent: core.node.userAgentName }, 'xds stream opened');
    },
    typeState(typeUrl) {
      if (!isXdsTypeUrl(typeUrl)) return undefined;
      let state = types.get(typeUrl);
      if (state === undefined) types.set(typeUrl, (state = newTypeState(typeUrl, ctx.share)));
      return state;
    },
    begin(request) {
      core.bindNode(request.node);
      const state = core.typeState(request.typeUrl);
      if (state === undefined) ctx.log.debug({ stream: ctx.id, typeUrl: request.typeUrl.slice(0, 200) }, 'ignoring request for unserved type');
      return state;
    },
    setNames(state, next) {
      const previous = state.names;
      if (next === previous) {
        ctx.share.nameSets.release(next);
        return;
      }
      if (next.size > 0) ctx.cache.watchSet(core.group, state.typeUrl, next, watcher);
      if (previous.size > 0) ctx.cache.unwatchSet(core.group, state.typeUrl, previous, watcher);
      ctx.share.nameSets.release(previous);
      state.names = next;
    },
    setWildcard(state, on) {
      if (state.wildcard === on) return;
      state.wildcard = on;
      // Named watches stay registered: a wildcard watcher is also woken for every name.
      if (on) ctx.cache.watchAll(core.group, state.typeUrl, watcher);
      else ctx.cache.unwatchAll(core.group, state.typeUrl, watcher);
    },
    settle(state, nonce, clientVersion, error) {
      const inflight = state.inflight;
      if (inflight?.nonce !== nonce) return false;
      state.inflight = undefined;
      for (const release of inflight.holds) release();
      // The client answers in order: the response this one went out over is done with too.
      core.releaseSuperseded(state);
      const short = SHORT_NAMES[state.typeUrl];
      if (error === undefined) {
        state.ackedVersion = inflight.version;
        for (const name of inflight.resources.keys()) state.rejected.delete(name);
        if (ctx.log.isLevelEnabled('debug')) ctx.log.debug({ stream: ctx.id, node: core.node.id, type: short, version: inflight.version }, 'xds ACK');
        return true;
      }
      for (const [name, version] of inflight.resources) if (version !== '') state.rejected.set(name, version);
      state.lastNack = { nonce, clientVersion, rejectedVersion: inflight.version, code: error.code, message: error.message, atMs: Date.now(), resources: inflight.resources };
      ctx.metrics.nacks.inc({ type: short });
      ctx.log.warn({ stream: ctx.id, node: core.node.id, type: short, nonce, version: inflight.version, err: { code: error.code, message: error.message } }, 'client rejected config (NACK)');
      return true;
    },
    nextIds() {
      const id = ctx.share.nextResponseId();
      return { nonce: id, version: `${ctx.versionPrefix}.${id}` };
    },
    memoSlot(state) {
      const table = state.held.pureTable;
      if (table === undefined) return undefined;
      const key = `${core.group}\u0000${state.names.id}\u0000${state.wildcard ? 1 : 0}${state.mustRespond ? 1 : 0}\u0000${ctx.cache.generation(core.group, state.typeUrl)}`;
      return { table, key };
    },
    recall: (slot) => slot.table.transitions.get(slot.key) as Transition | undefined,
    replay(state, transition, startedAtNs) {
      state.held.adopt(transition.next);
      state.dirty.clear();
      state.dirtyAll = false;
      const response = transition.response;
      if (response === undefined) core.releaseHolds(state);
      else core.send(state, response.bytes, response.version, response.nonce, response.carried, startedAtNs);
    },
    remember(state, slot, response) {
      // Alone on a table: nobody can replay the transition, keep the cheap private overlay. The
      // empty table is the exception: streams that connect later start from it too.
      if (slot.table.holders < 2 && slot.table !== ctx.share.emptyTable) {
        state.held.compact();
        return;
      }
      const next = state.held.pureTable ?? state.held.snapshot();
      state.held.adopt(next);
      const transitions = slot.table.transitions;
      if (transitions.size >= TRANSITIONS_PER_TABLE) transitions.delete(transitions.keys().next().value ?? '');
      transitions.set(slot.key, { next, response } satisfies Transition);
    },
    send(state, bytes, version, nonce, resources, startedAtNs) {
      if (state.inflight !== undefined) state.superseded.push(state.inflight);
      state.inflight = { nonce, version, sentAtMs: Date.now(), holds: state.holds, resources };
      state.holds = [];
      state.lastNonce = nonce;
      state.sentVersion = version;
      state.lastSentAtMs = Date.now();
      state.mustRespond = false;
      const short = SHORT_NAMES[state.typeUrl];
      const ok = writer.write(bytes);
      ctx.metrics.recordPush(short, bytes.length, Number(process.hrtime.bigint() - startedAtNs) / 1e9);
      if (ctx.log.isLevelEnabled('debug')) ctx.log.debug({ stream: ctx.id, node: core.node.id, type: short, version, nonce, resources: resources.size, bytes: bytes.length }, 'xds push');
      if (!ok) {
        flow.blocked = true;
        writer.onceDrain(() => {
          flow.blocked = false;
          core.schedule();
        });
      }
    },
    answerSuperseded(state, nonce) {
      const answered = state.superseded.findIndex((s) => s.nonce === nonce);
      if (answered < 0) return false;
      // The client answers in order: everything older is done with too.
      for (const done of state.superseded.splice(0, answered + 1)) for (const release of done.holds) release();
      core.schedule();
      return true;
    },
    releaseSuperseded(state) {
      for (const done of state.superseded.splice(0)) for (const release of done.holds) release();
    },
    releaseHolds(state) {
      if (state.holds.length === 0) return;
      for (const release of state.holds) release();
      state.holds = [];
    },
    schedule() {
      if (scheduled || core.closed) return;
      scheduled = true;
      queueMicrotask(runFlush);
    },
    close() {
      if (core.closed) return;
      core.closed = true;
      for (const state of types.values()) {
        if (state.names.size > 0) ctx.cache.unwatchSet(core.group, state.typeUrl, state.names, watcher);
        ctx.share.nameSets.release(state.names);
        state.held.release();
        if (state.wildcard) ctx.cache.unwatchAll(core.group, state.typeUrl, watcher);
        core.releaseHolds(state);
        for (const release of state.inflight?.holds ?? []) release();
        state.inflight = undefined;
        core.releaseSuperseded(state);
      }
      ctx.log.info({ stream: ctx.id, kind: ctx.kind, node: core.node.id }, 'xds stream closed');
    },
  };
  return core;
}

/** The resources of `state` the stream should hold right now: wildcard ∪ named. */
export function subscribedNames(cache: WatchableCache, group: string, state: TypeState): Set<string> {
  const names = new Set(state.names);
  if (state.wildcard) for (const name of cache.names(group, state.typeUrl)) names.add(name);
  names.delete('*');
  return names;
}

export type { XdsResource };
