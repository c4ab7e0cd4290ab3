/**
 * The HTTP/2 connection-level receive window of ADS connections.
 *
 * grpc-js creates its HTTP/2 server itself and has no option for this window, so every
 * connection keeps HTTP/2's initial 64 KiB. A client that multiplexes many ADS streams on one
 * connection (a proxy pool, a load generator, grpc-js channels sharing a subchannel) then sends
 * its SotW ACKs (an Envoy-shaped EDS ACK repeats every subscribed name: ~10 KB for 1,000 names)
 * at one window per round trip, and the server sees the ACKs of a change long after the change
 * (ADR 14). Go's gRPC server grows this window on its own (BDP estimation); here the first
 * stream of each connection widens it once, through Node's `http2.server.stream.created`
 * diagnostics channel. Per-stream windows stay at 64 KiB: one stream has one ACK in flight.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Http2Session } from 'node:http2';

export const ADS_CONNECTION_WINDOW_BYTES = 1 << 20;

const widened = new WeakSet<Http2Session>();
let installed = false;

function onStreamCreated(message: unknown): void {
  const session = (message as { stream?: { session?: Http2Session } }).stream?.session;
  if (session === undefined || session.destroyed || widened.has(session)) return;
  widened.add(session);
  session.setLocalWindowSize(ADS_CONNECTION_WINDOW_BYTES);
}

/** Idempotent; applies to every HTTP/2 server connection of this process from now on. */
export function widenServerConnectionWindows(): void {
  if (installed) return;
  installed = true;
  subscribe('http2.server.stream.created', onStreamCreated);
}
