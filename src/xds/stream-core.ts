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
import type { XdsMetrics } from './metrics.ts';
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
  readonly names: Set<string>;
  wildcard: boolean;
  requested: boolean;
  /** Encoded form of the last applied SotW resource_names list. */
  namesKey: Buffer;
  everNamed: boolean;
  /** The next flush must answer even if there is nothing to send (first wildcard request). */
  mustRespond: boolean;
  readonly dirty: Set<string>;
  dirtyAll: boolean;
  /** What the client holds, name → version ('' = force a resend). */
  readonly held: Map<string, string>;
  holds: (() => void)[];
  inflight: Inflight | undefined;
  lastNonce: string;
  sentVersion: string;
  ackedVersion: string;
  lastSentAtMs: number;
  lastNack: NackRecord | undefined;
  /** name → version rejected by the client and not superseded since. */
  readonly rejected: Map<string, string>;
}

export interface StreamContext {
  readonly id: number;
  readonly kind: StreamKind;
  readonly cache: WatchableCache;
  readonly log: Logger;
  readonly metrics: XdsMetrics;
  readonly controlPlane: Uint8Array;
  readonly versionPrefix: string;
  readonly resolveGroup: (node: NodeInfo) => string;
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
  watchName(state: TypeState, name: string): void;
  unwatchName(state: TypeState, name: string): void;
  setWildcard(state: TypeState, on: boolean): void;
  /** Applies an ACK or NACK to the in-flight response if `nonce` is its nonce; returns whether it did. */
  settle(state: TypeState, nonce: string, clientVersion: string, error: ErrorDetail | undefined): boolean;
  nextNonce(): string;
  nextVersion(): string;
  /** Writes one response; records it as in flight for `state`. */
  send(state: TypeState, bytes: Buffer, version: string, nonce: string, resources: ReadonlyMap<string, string>, startedAtNs: bigint): void;
  /** Releases publish holds of a type that had nothing to send. */
  releaseHolds(state: TypeState): void;
  schedule(): void;
  close(): void;
}

export interface TransportWriter {
  write(bytes: Buffer): boolean;
  onceDrain(listener: () => void): void;
}

function newTypeState(typeUrl: XdsTypeUrl): TypeState {
  return {
    typeUrl,
    names: new Set(),
    wildcard: false,
    requested: false,
    namesKey: Buffer.alloc(0),
    everNamed: false,
    mustRespond: false,
    dirty: new Set(),
    dirtyAll: false,
    held: new Map(),
    holds: [],
    inflight: undefined,
    lastNonce: '',
    sentVersion: '',
    ackedVersion: '',
    lastSentAtMs: 0,
    lastNack: undefined,
    rejected: new Map(),
  };
}

export function createStreamCore(ctx: StreamContext, writer: TransportWriter, flush: (state: TypeState) => void): StreamCore {
  let nonceCounter = 0;
  let versionCounter = 0;
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

  function runFlush(): void {
    scheduled = false;
    if (core.closed || flow.blocked) return;
    for (const typeUrl of ADS_ORDER) {
      const state = types.get(typeUrl);
      if (state === undefined || state.inflight !== undefined) continue;
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
      if (state === undefined) types.set(typeUrl, (state = newTypeState(typeUrl)));
      return state;
    },
    begin(request) {
      core.bindNode(request.node);
      const state = core.typeState(request.typeUrl);
      if (state === undefined) ctx.log.debug({ stream: ctx.id, typeUrl: request.typeUrl.slice(0, 200) }, 'ignoring request for unserved type');
      return state;
    },
    watchName(state, name) {
      if (state.names.has(name)) return;
      state.names.add(name);
      ctx.cache.watch(core.group, state.typeUrl, name, watcher);
    },
    unwatchName(state, name) {
      if (!state.names.delete(name)) return;
      ctx.cache.unwatch(core.group, state.typeUrl, name, watcher);
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
      const short = SHORT_NAMES[state.typeUrl];
      if (error === undefined) {
        state.ackedVersion = inflight.version;
        for (const name of inflight.resources.keys()) state.rejected.delete(name);
        ctx.log.debug({ stream: ctx.id, node: core.node.id, type: short, version: inflight.version }, 'xds ACK');
        return true;
      }
      for (const [name, version] of inflight.resources) if (version !== '') state.rejected.set(name, version);
      state.lastNack = { nonce, clientVersion, rejectedVersion: inflight.version, code: error.code, message: error.message, atMs: Date.now(), resources: inflight.resources };
      ctx.metrics.nacks.inc({ type: short });
      ctx.log.warn({ stream: ctx.id, node: core.node.id, type: short, nonce, version: inflight.version, err: { code: error.code, message: error.message } }, 'client rejected config (NACK)');
      return true;
    },
    nextNonce: () => (++nonceCounter).toString(36),
    nextVersion: () => `${ctx.versionPrefix}.${(++versionCounter).toString(36)}`,
    send(state, bytes, version, nonce, resources, startedAtNs) {
      state.inflight = { nonce, version, sentAtMs: Date.now(), holds: state.holds, resources };
      state.holds = [];
      state.lastNonce = nonce;
      state.sentVersion = version;
      state.lastSentAtMs = Date.now();
      state.mustRespond = false;
      const short = SHORT_NAMES[state.typeUrl];
      ctx.metrics.pushes.inc({ type: short });
      ctx.metrics.pushBytes.inc({ type: short }, bytes.length);
      const ok = writer.write(bytes);
      ctx.metrics.pushTime.observe({ type: short }, Number(process.hrtime.bigint() - startedAtNs) / 1e9);
      ctx.log.debug({ stream: ctx.id, node: core.node.id, type: short, version, nonce, resources: resources.size, bytes: bytes.length }, 'xds push');
      if (!ok) {
        flow.blocked = true;
        writer.onceDrain(() => {
          flow.blocked = false;
          core.schedule();
        });
      }
    },
    releaseHolds(state) {
      if (state.holds.length === 0) return;
      for (const release of state.holds) release();
      state.holds = [];
    },
    schedule() {
      if (scheduled || core.closed) return;
      scheduled = true;
      setImmediate(runFlush);
    },
    close() {
      if (core.closed) return;
      core.closed = true;
      for (const state of types.values()) {
        for (const name of state.names) ctx.cache.unwatch(core.group, state.typeUrl, name, watcher);
        if (state.wildcard) ctx.cache.unwatchAll(core.group, state.typeUrl, watcher);
        core.releaseHolds(state);
        for (const release of state.inflight?.holds ?? []) release();
        state.inflight = undefined;
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
