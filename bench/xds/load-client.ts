/**
 * The benchmark's client load, run as a separate process (forked with IPC by run.ts): many ADS
 * streams that subscribe like Envoy sidecars (mesh) or proxyless gRPC clients (grpc), ACK every
 * response, and report when all have received the initial state or a change. Responses are not
 * decoded beyond their top-level type_url/version/nonce, so the client costs little CPU.
 */
import type { ClientHttp2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { stringField } from '../../src/xds/wire.ts';
import { messageType } from '../../src/xds/protos.ts';
import { ADS_ORDER, TYPE_URLS } from '../../src/xds/type-urls.ts';
import { connect, openCall } from './raw-grpc.ts';
import { scan, type Scanned } from './scan.ts';
import { serviceName } from './workload.ts';

export type ClientMessage =
  | { type: 'open'; address: string; kind: 'sotw' | 'delta'; shape: 'mesh' | 'grpc'; streams: number; services: number; perConnection: number }
  | { type: 'arm'; seq: number; typeUrl: string; streams: number[] | 'all' }
  | { type: 'churn'; address: string; count: number }
  | { type: 'close' };

/**
 * Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares: the bench and the
 * load client compare timestamps across processes. (`performance.timeOrigin + now()` does not:
 * each process fixes its own origin from the wall clock at start, off by up to tenths of a ms.)
 */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

interface Subscription {
  readonly typeUrl: string;
  readonly names: readonly string[];
}

interface StreamState {
  /** Position in `streams` (an O(1) lookup on every response). */
  readonly index: number;
  readonly counts: number[];
  cancel(): void;
}


function subscriptions(shape: 'mesh' | 'grpc', index: number, services: number): Subscription[] {
  if (shape === 'grpc') {
    const name = serviceName(index);
    return [TYPE_URLS.listener, TYPE_URLS.route, TYPE_URLS.cluster, TYPE_URLS.endpoint].map((typeUrl) => ({ typeUrl, names: [name] }));
  }
  return [
    { typeUrl: TYPE_URLS.cluster, names: [] },
    { typeUrl: TYPE_URLS.endpoint, names: Array.from({ length: services }, (_, i) => serviceName(i)) },
    { typeUrl: TYPE_URLS.listener, names: [] },
    { typeUrl: TYPE_URLS.route, names: ['80'] },
  ];
}

function nodeOf(shape: 'mesh' | 'grpc', index: number): Record<string, unknown> {
  return shape === 'grpc'
    ? { id: `grpc-${index}`, cluster: 'grpc', user_agent_name: 'gRPC Node Pure JS', locality: {} }
    : { id: `sidecar~10.1.${index >> 8}.${index & 255}~pod-${index}.default~default.svc.cluster.local`, cluster: 'mesh', user_agent_name: 'envoy', locality: {} };
}

const sotwType = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const deltaType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const encode = (type: typeof sotwType, body: Record<string, unknown>): Buffer => Buffer.from(type.encode(type.fromObject(body)).finish());

function openStream(session: ClientHttp2Session, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc', index: number, services: number, onResponse: (s: StreamState, r: Scanned, at: number) => void): StreamState {
  const call = openCall(session, `${ADS}/${kind === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources'}`, (buf) => {
    onMessage(buf);
  });
  const subs = subscriptions(shape, index, services);
  // SotW ACKs repeat the full name list: encode it once per type and append version/nonce.
  const ackBase = new Map(subs.map((s) => [s.typeUrl, kind === 'sotw' ? encode(sotwType, { type_url: s.typeUrl, resource_names: s.names }) : encode(deltaType, { type_url: s.typeUrl })]));
  const state: StreamState = {
    index,
    counts: ADS_ORDER.map(() => 0),
    cancel: () => {
      call.cancel();
    },
  };
  function onMessage(buf: Buffer): void {
    // Received now. The ACK is the client's own work, not convergence time: it is written after
    // every response already read from the sockets has been timestamped (deferAck), so one
    // stream's 10 KB ACK does not delay the next stream's timestamp.
    const at = now();
    const r = scan(buf);
    const base = ackBase.get(r.typeUrl);
    if (base !== undefined) {
      const ack = kind === 'sotw' ? [base, stringField(1, r.version), stringField(5, r.nonce)] : [base, stringField(6, r.nonce)];
      deferAck(() => {
        call.write(...ack);
      });
    }
    onResponse(state, r, at);
  }
  subs.forEach((s, i) => {
    const node = i === 0 ? { node: nodeOf(shape, index) } : {};
    call.write(kind === 'sotw' ? encode(sotwType, { ...node, type_url: s.typeUrl, resource_names: s.names }) : encode(deltaType, { ...node, type_url: s.typeUrl, resource_names_subscribe: s.names }));
  });
  return state;
}

let sessions: ClientHttp2Session[] = [];
let pendingAcks: (() => void)[] = [];

/** Queues an ACK write; all queued ones go out on the next check phase (after this poll's reads). */
function deferAck(write: () => void): void {
  if (pendingAcks.length === 0) setImmediate(writeAcks);
  pendingAcks.push(write);
}

function writeAcks(): void {
  const writes = pendingAcks;
  pendingAcks = [];
  for (const write of writes) write();
}

let streams: StreamState[] = [];
let armed: { seq: number; index: number; baseline: number[]; targets: Set<number>; times: Map<number, number>; bytes: number } | undefined;
let syncWait: { remaining: number } | undefined;

function onResponse(stream: StreamState, r: Scanned, at: number): void {
  const t = ADS_ORDER.indexOf(r.typeUrl as (typeof ADS_ORDER)[number]);
  if (t < 0) return;
  const first = stream.counts.every((c) => c > 0);
  stream.counts[t] = (stream.counts[t] ?? 0) + 1;
  if (syncWait !== undefined && !first && stream.counts.every((c) => c > 0) && --syncWait.remaining === 0) {
    process.send?.({ type: 'synced', at });
    syncWait = undefined;
  }
  if (armed !== undefined) {
    armed.bytes += r.bytes;
    const id = stream.index;
    if (t === armed.index && armed.targets.has(id) && !armed.times.has(id) && (stream.counts[t] ?? 0) > (armed.baseline[id] ?? 0)) {
      armed.times.set(id, at);
      if (armed.times.size === armed.targets.size) {
        process.send?.({ type: 'converged', seq: armed.seq, times: [...armed.times.values()], bytes: armed.bytes });
        armed = undefined;
      }
    }
  }
}

function open(message: Extract<ClientMessage, { type: 'open' }>): void {
  const perConnection = message.perConnection;
  sessions = Array.from({ length: Math.ceil(message.streams / perConnection) }, () => connect(message.address));
  syncWait = { remaining: message.streams };
  streams = Array.from({ length: message.streams }, (_, i) => {
    const session = sessions[Math.floor(i / perConnection)];
    if (session === undefined) throw new Error('no session');
    return openStream(session, message.kind, message.shape, i, message.services, onResponse);
  });
}

async function churn(address: string, count: number): Promise<void> {
  const request = encode(sotwType, { node: nodeOf('mesh', 0), type_url: TYPE_URLS.cluster });
  for (let done = 0; done < count; done += 100) {
    const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<void>((resolve) => {
            const call = client.makeBidiStreamRequest(`${ADS}/StreamAggregatedResources`, (b: Buffer) => b, (b: Buffer) => b);
            call.on('error', () => undefined);
            call.on('status', () => {
              resolve();
            });
            call.on('data', () => {
              call.cancel();
            });
            call.write(request);
          }),
      ),
    );
    client.close();
  }
}

process.on('message', (message: ClientMessage) => {
  switch (message.type) {
    case 'open':
      open(message);
      return;
    case 'arm': {
      const targets = new Set(message.streams === 'all' ? streams.map((_, i) => i) : message.streams);
      const index = ADS_ORDER.indexOf(message.typeUrl as (typeof ADS_ORDER)[number]);
      armed = { seq: message.seq, index, baseline: streams.map((s) => s.counts[index] ?? 0), targets, times: new Map(), bytes: 0 };
      process.send?.({ type: 'armed' });
      return;
    }
    case 'churn':
      void churn(message.address, message.count).then(() => process.send?.({ type: 'churned' }));
      return;
    case 'close':
      for (const s of streams) s.cancel();
      for (const session of sessions) session.close();
      streams = [];
      sessions = [];
      process.send?.({ type: 'closed', cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 });
      return;
  }
});
process.send?.({ type: 'ready' });
// Exit cleanly when run.ts stops the client, so `--cpu-prof` in WEFT_BENCH_CLIENT_NODE_ARGS writes its profile.
process.on('SIGTERM', () => process.exit(0));
