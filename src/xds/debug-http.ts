/**
 * Plain HTTP handlers for xDS debugging, to be mounted by whatever HTTP server the command runs:
 * - GET /debug/syncz: per connected proxy, per type: sync status, versions sent/ACKed, last NACK.
 * - GET /debug/config_dump?proxyID=<node id>: the resources that proxy holds, decoded to JSON.
 * - GET /metrics: the xDS Prometheus registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { messageType } from './protos.ts';
import type { WatchableCache } from './snapshot-cache.ts';
import type { StreamCore } from './stream-core.ts';
import { describeResources, describeStream } from './stream-status.ts';
import { ADS_ORDER, messageName } from './type-urls.ts';

export interface DebugSources {
  readonly streamCores: () => readonly StreamCore[];
  readonly cache: WatchableCache;
  readonly registry: Registry;
}

export type DebugHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface DebugHandlers {
  readonly syncz: DebugHandler;
  readonly configDump: DebugHandler;
  readonly metrics: DebugHandler;
  /** Routes by path; returns false if the path is not one of ours (the caller answers 404). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

function sortedCores(sources: DebugSources): StreamCore[] {
  return [...sources.streamCores()].sort((a, b) => a.node.id.localeCompare(b.node.id) || a.ctx.id - b.ctx.id);
}

export function syncz(sources: DebugSources): unknown[] {
  return sortedCores(sources).map((core) => {
    const status = describeStream(core);
    return { proxyID: status.node.id, stream: status.id, kind: status.kind, group: status.group, connectedAt: status.connectedAt, userAgent: core.node.userAgentName, types: status.types };
  });
}

export function configDump(sources: DebugSources, proxyId: string): unknown[] {
  return sortedCores(sources)
    .filter((core) => core.node.id === proxyId)
    .map((core) => ({
      proxyID: proxyId,
      stream: core.ctx.id,
      group: core.group,
      types: ADS_ORDER.flatMap((typeUrl) => {
        const state = core.types.get(typeUrl);
        if (state === undefined) return [];
        const type = messageType(messageName(typeUrl));
        const resources = describeResources(state).map((r) => {
          const current = sources.cache.get(core.group, typeUrl, r.name);
          const value = current?.version === r.version && r.version !== '' ? type.toObject(type.decode(current.body), { json: true, enums: String, longs: String }) : undefined;
          return { ...r, ...(value === undefined ? {} : { resource: value }) };
        });
        return [{ typeUrl, resources }];
      }),
    }));
}

export function createDebugHandlers(sources: DebugSources): DebugHandlers {
  const handlers: DebugHandlers = {
    syncz: (_req, res) => {
      sendJson(res, 200, syncz(sources));
    },
    configDump: (req, res) => {
      const proxyId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('proxyID');
      if (proxyId === null || proxyId === '') {
        sendJson(res, 400, { error: 'proxyID query parameter is required' });
        return;
      }
      const dump = configDump(sources, proxyId);
      if (dump.length === 0) sendJson(res, 404, { error: `no connected proxy ${proxyId}` });
      else sendJson(res, 200, dump);
    },
    metrics: (_req, res) => {
      void sources.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': sources.registry.contentType });
        res.end(text);
      });
    },
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const handler = path === '/debug/syncz' ? handlers.syncz : path === '/debug/config_dump' ? handlers.configDump : path === '/metrics' ? handlers.metrics : undefined;
      if (handler === undefined) return false;
      handler(req, res);
      return true;
    },
  };
  return handlers;
}

/** A small HTTP server serving only the debug handlers (tests, or a command without its own server). */
export async function createDebugServer(handlers: DebugHandlers, host: string, port: number): Promise<{ readonly server: Server; readonly port: number }> {
  const server = createServer((req, res) => {
    if (!handlers.handle(req, res)) sendJson(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
}
