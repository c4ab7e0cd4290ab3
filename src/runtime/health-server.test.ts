import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from './health-server.ts';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${server?.port ?? 0}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('health server', () => {
  it.each([
    { checks: { informers: true, leader: true }, path: '/readyz', status: 200, body: '[+]informers ok' },
    { checks: { informers: false, leader: true }, path: '/readyz', status: 503, body: '[-]informers failed' },
    { checks: { informers: false }, path: '/healthz', status: 200, body: 'ok' },
    { checks: {}, path: '/nope', status: 404, body: 'not found' },
  ])('$path with $checks answers $status', async ({ checks, path, status, body }) => {
    const ready = Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, () => v]));
    server = await startHealthServer({ host: '127.0.0.1', port: 0, registry: new Registry(), ready });
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body).toContain(body);
  });

  it('serves the registry on /metrics and mounted routes by path', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app: 'weft' });
    server = await startHealthServer({ host: '127.0.0.1', port: 0, registry, ready: {}, routes: { '/debug/x': (_req, res) => res.end('x') } });
    expect((await get('/metrics')).status).toBe(200);
    expect(await get('/debug/x')).toEqual({ status: 200, body: 'x' });
  });
});
