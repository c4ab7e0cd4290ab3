/**
 * A read-only view of one stream's sync state, shared by CSDS, /debug/syncz and config_dump.
 * Per type: SYNCED (everything sent was ACKed), STALE (a response awaits ACK), ERROR (the
 * client rejected content it still holds), NOT_SENT (subscribed, nothing sent yet).
 */
import type { NodeInfo } from './requests.ts';
import type { StreamCore, StreamKind, TypeState } from './stream-core.ts';
import { ADS_ORDER, SHORT_NAMES, type XdsTypeUrl } from './type-urls.ts';

export type SyncStatus = 'SYNCED' | 'STALE' | 'ERROR' | 'NOT_SENT';

export interface ResourceStatus {
  readonly name: string;
  /** The version last sent ('' if never sent). */
  readonly version: string;
  readonly status: SyncStatus;
}

export interface NackStatus {
  readonly nonce: string;
  readonly rejectedVersion: string;
  readonly clientVersion: string;
  readonly code: number;
  readonly message: string;
  readonly at: string;
  readonly resources: readonly string[];
}

export interface TypeStatus {
  readonly typeUrl: XdsTypeUrl;
  readonly type: string;
  readonly status: SyncStatus;
  readonly wildcard: boolean;
  readonly subscribed: readonly string[];
  readonly sentVersion: string;
  readonly sentNonce: string;
  readonly ackedVersion: string;
  readonly lastNack: NackStatus | undefined;
}

export interface StreamStatus {
  readonly id: number;
  readonly kind: StreamKind;
  readonly node: NodeInfo;
  readonly group: string;
  readonly connectedAt: string;
  readonly types: readonly TypeStatus[];
}

export function typeSyncStatus(state: TypeState): SyncStatus {
  if (state.sentVersion === '') return 'NOT_SENT';
  if (state.rejected.size > 0) return 'ERROR';
  if (state.inflight !== undefined) return 'STALE';
  return 'SYNCED';
}

export function describeType(state: TypeState): TypeStatus {
  const nack = state.lastNack;
  return {
    typeUrl: state.typeUrl,
    type: SHORT_NAMES[state.typeUrl],
    status: typeSyncStatus(state),
    wildcard: state.wildcard,
    subscribed: [...state.names].sort(),
    sentVersion: state.sentVersion,
    sentNonce: state.lastNonce,
    ackedVersion: state.ackedVersion,
    lastNack:
      nack === undefined
        ? undefined
        : {
            nonce: nack.nonce,
            rejectedVersion: nack.rejectedVersion,
            clientVersion: nack.clientVersion,
            code: nack.code,
            message: nack.message,
            at: new Date(nack.atMs).toISOString(),
            resources: [...nack.resources.keys()].sort(),
          },
  };
}

export function describeStream(core: StreamCore): StreamStatus {
  const types: TypeStatus[] = [];
  for (const typeUrl of ADS_ORDER) {
    const state = core.types.get(typeUrl);
    if (state?.requested === true) types.push(describeType(state));
  }
  return { id: core.ctx.id, kind: core.ctx.kind, node: core.node, group: core.group, connectedAt: new Date(core.connectedAtMs).toISOString(), types };
}

/** A real version held by the client, or undefined for delta bookkeeping markers. */
export function heldVersion(state: TypeState, name: string): string | undefined {
  const version = state.held.get(name);
  return version === undefined || version === '' || version.startsWith('\u0000') ? undefined : version;
}

/** Per-resource status of one type, sorted by name. */
export function describeResources(state: TypeState): ResourceStatus[] {
  const names = new Set(state.names);
  for (const name of state.held.keys()) names.add(name);
  names.delete('*');
  const out: ResourceStatus[] = [];
  for (const name of [...names].sort()) {
    const version = heldVersion(state, name);
    if (version === undefined) {
      out.push({ name, version: '', status: 'NOT_SENT' });
    } else if (state.rejected.get(name) === version) {
      out.push({ name, version, status: 'ERROR' });
    } else if (state.inflight?.resources.has(name) === true) {
      out.push({ name, version, status: 'STALE' });
    } else {
      out.push({ name, version, status: 'SYNCED' });
    }
  }
  return out;
}
