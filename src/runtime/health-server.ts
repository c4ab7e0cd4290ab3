/**
 * The process's monitoring endpoint: /healthz (the event loop answers), /readyz (every named check
 * passes; the body lists them), /metrics (Prometheus text from the given registry). Extra routes
 * (debug pages) can be mounted by path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => boolean;
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly ready: Readonly<Record<string, ReadinessCheck>>;
  readonly routes?: Readonly<Record<string, Route>>;
}

function readyz(checks: Readonly<Record<string, ReadinessCheck>>, res: ServerResponse): void {
  const results = Object.entries(checks).map(([name, check]) => [name, check()] as const);
  const ok = results.every(([, passed]) => passed);
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(results.map(([name, passed]) => `[${passed ? '+' : '-'}]${name} ${passed ? 'ok' : 'failed'}`).join('\n') + `\n${ok ? 'ok' : 'not ready'}\n`);
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz' || path === '/ready') {
      readyz(options.ready, res);
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else {
      const route = options.routes?.[path];
      if (route === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      else route(req, res);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    port,
    close: () => new Promise((resolve) => { server.close(() => { resolve(); }); server.closeAllConnections(); }),
  };
}
