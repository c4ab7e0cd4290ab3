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

type Command = { cmd: 'load'; workload: 'mesh' | 'grpc'; services: number } | { cmd: 'endpoint'; service: number; shift: number } | { cmd: 'route'; service: number; timeout: number } | { cmd: 'mem' } | { cmd: 'exit' };

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
      // Streams whose previous EDS response is still unACKed get this change only after that ACK.
      const awaitingAck = server.streamCores().filter((core) => core.types.get(TYPE_URLS.endpoint)?.inflight !== undefined).length;
      const outcome = cache.updateResources(workload, TYPE_URLS.endpoint, { upsert: [loadAssignmentFor(command.service, command.shift)] });
      reply({ ok: outcome.ok, awaitingAck });
      return;
    }
    case 'route': {
      state.timeouts.set(command.service, command.timeout);
      const outcome =
        workload === 'mesh'
          ? cache.setResources(workload, { [TYPE_URLS.route]: [meshRoute(state)] })
          : cache.updateResources(workload, TYPE_URLS.route, { upsert: [grpcRoute(command.service, command.timeout)] });
      reply({ ok: outcome.ok });
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
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== '') handle(JSON.parse(line) as Command);
}
