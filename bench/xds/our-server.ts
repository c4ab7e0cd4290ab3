/**
 * Weft's ADS server as a benchmark subject: a separate process driven by JSON lines on stdin
 * (same protocol as bench/peers/go-control-plane), answering on stdout.
 *
 *   {"cmd":"load","workload":"mesh"|"grpc","services":N}   publish the workload
 *   {"cmd":"endpoint","service":k,"shift":s}                move service k's first endpoint port
 *                                                           (reply: awaitingAck = streams with an unACKed EDS response)
 *   {"cmd":"route","service":k,"timeout":t}                 change service k's route timeout
 *   {"cmd":"floor","service":k}                            write a ready-made EDS response to service k's W2 stream
 *   {"cmd":"mem"}                                           {"rss":bytes,"heap":bytes} after GC
 *   {"cmd":"exit"}
 *
 * Replies to endpoint, route and floor carry `receivedAtMs`: CLOCK_MONOTONIC in ms when the
 * command's line was read, before it is parsed. Convergence is measured from there (the
 * subject's setResources), and end to end from the bench's write of the command.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createAdsServer } from '../../src/xds/ads-server.ts';
import { createSnapshotCache } from '../../src/xds/snapshot-cache.ts';
import type { StreamCore } from '../../src/xds/stream-core.ts';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';
import { encodeSotwResponse } from '../../src/xds/wire.ts';
import { grpcResources, grpcRoute, loadAssignmentFor, meshResources, meshRoute, serviceName, type WorkloadState } from './workload.ts';

const log = pino({ level: 'warn' }, pino.destination(2));
const cache = createSnapshotCache({ log });
const server = createAdsServer({ cache, log, resolveGroup: (node) => node.cluster });
const port = await server.listen('127.0.0.1', 0);
let state: WorkloadState = { services: 0, portShift: new Map(), timeouts: new Map() };
let workload: 'mesh' | 'grpc' = 'mesh';

function reply(body: object): void {
  process.stdout.write(`${JSON.stringify(body)}\n`);
}

/**
 * Replies to a change once the streams' flushes (microtasks of the publish) have run: a reply
 * written first would put a synchronous pipe write (tens of µs) in front of the xDS write, and
 * the Go peer replies from another goroutine while its streams send.
 */
function replyAfterFlush(body: object): void {
  setImmediate(() => {
    reply(body);
  });
}

const streamsByService = new Map<number, StreamCore>();

/** The W2 stream of service k (its node id is `grpc-k`), looked up once. */
function streamOf(k: number): StreamCore | undefined {
  let core = streamsByService.get(k);
  if (core === undefined || core.closed) {
    core = server.streamCores().find((c) => c.node.id === `grpc-${k}`);
    if (core !== undefined) streamsByService.set(k, core);
  }
  return core;
}

function build(): ReturnType<typeof meshResources> {
  return workload === 'mesh' ? meshResources(state) : grpcResources(state);
}

function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
}

type Command = { cmd: 'load'; workload: 'mesh' | 'grpc'; services: number } | { cmd: 'endpoint'; service: number; shift: number; countAwaiting?: boolean } | { cmd: 'route'; service: number; timeout: number } | { cmd: 'floor'; service: number } | { cmd: 'mem' } | { cmd: 'exit' };

function handle(command: Command, receivedAtMs: number): void {
  switch (command.cmd) {
    case 'load': {
      workload = command.workload;
      state = { services: command.services, portShift: new Map(), timeouts: new Map() };
      cache.removeGroup(workload === 'mesh' ? 'grpc' : 'mesh');
      const outcome = cache.setResources(workload, build());
      reply({ ok: outcome.ok });
      return;
    }
    case 'endpoint': {
      state.portShift.set(command.service, command.shift);
      // --per-change only: streams whose previous EDS response is still unACKed (O(streams), so not by default).
      const awaitingAck = command.countAwaiting === true ? server.streamCores().filter((core) => core.types.get(TYPE_URLS.endpoint)?.inflight !== undefined).length : undefined;
      const outcome = cache.updateResources(workload, TYPE_URLS.endpoint, { upsert: [loadAssignmentFor(command.service, command.shift)] });
      replyAfterFlush({ ok: outcome.ok, awaitingAck, receivedAtMs });
      return;
    }
    case 'route': {
      state.timeouts.set(command.service, command.timeout);
      const outcome =
        workload === 'mesh'
          ? cache.setResources(workload, { [TYPE_URLS.route]: [meshRoute(state)] })
          : cache.updateResources(workload, TYPE_URLS.route, { upsert: [grpcRoute(command.service, command.timeout)] });
      replyAfterFlush({ ok: outcome.ok, receivedAtMs });
      return;
    }
    case 'floor': {
      // The apparatus floor (W2, `--floor`): a response for service k's stream written the moment
      // the command is read: no cache, no encoding, no flush. What is left is the bench's own
      // path: pipe to this process, its wake-up, loopback TCP, and the client's read.
      const core = streamOf(command.service);
      const state = core?.typeState(TYPE_URLS.endpoint);
      const resource = cache.get(workload, TYPE_URLS.endpoint, serviceName(command.service));
      if (core !== undefined && state !== undefined && resource !== undefined) {
        const { version, nonce } = core.nextIds();
        const bytes = encodeSotwResponse({ versionInfo: version, typeUrl: TYPE_URLS.endpoint, nonce, controlPlane: new Uint8Array(0), resourceFields: [resource.sotwField] });
        core.send(state, bytes, version, nonce, new Map(), process.hrtime.bigint());
      }
      replyAfterFlush({ ok: core !== undefined, receivedAtMs });
      return;
    }
    case 'mem': {
      gcNow();
      const usage = process.memoryUsage();
      reply({ rss: usage.rss, heap: usage.heapUsed });
      return;
    }
    case 'exit':
      server.close();
      process.exit(0);
  }
}

reply({ event: 'listening', port });
// A 'line' listener, not `for await`: the async iterator adds promise turns before each command.
createInterface({ input: process.stdin }).on('line', (line) => {
  const receivedAtMs = Number(process.hrtime.bigint()) / 1e6;
  if (line.trim() !== '') handle(JSON.parse(line) as Command, receivedAtMs);
});
