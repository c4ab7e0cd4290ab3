/**
 * Weft's ADS server as a benchmark subject: a separate process driven by JSON lines on stdin
 * (same protocol as bench/peers/go-control-plane), answering on stdout.
 *
 *   {"cmd":"load","workload":"mesh"|"grpc","services":N}   publish the workload
 *   {"cmd":"endpoint","service":k,"shift":s}                move service k's first endpoint port
 *                                                           (reply: awaitingAck = streams with an unACKed EDS response)
 *   {"cmd":"route","service":k,"timeout":t}                 change service k's route timeout
 *   {"cmd":"mem"}                                           {"rss":bytes,"heap":bytes} after GC
 *   {"cmd":"exit"}
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createAdsServer } from '../../src/xds/ads-server.ts';
import { createSnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';
import { grpcResources, grpcRoute, loadAssignmentFor, meshResources, meshRoute, type WorkloadState } from './workload.ts';

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

type Command = { cmd: 'load'; workload: 'mesh' | 'grpc'; services: number } | { cmd: 'endpoint'; service: number; shift: number; countAwaiting?: boolean } | { cmd: 'route'; service: number; timeout: number } | { cmd: 'mem' } | { cmd: 'exit' };

function handle(command: Command): void {
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
      replyAfterFlush({ ok: outcome.ok, awaitingAck });
      return;
    }
    case 'route': {
      state.timeouts.set(command.service, command.timeout);
      const outcome =
        workload === 'mesh'
          ? cache.setResources(workload, { [TYPE_URLS.route]: [meshRoute(state)] })
          : cache.updateResources(workload, TYPE_URLS.route, { upsert: [grpcRoute(command.service, command.timeout)] });
      replyAfterFlush({ ok: outcome.ok });
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
  if (line.trim() !== '') handle(JSON.parse(line) as Command);
});
