import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDebugHandlers, createDebugServer } from '../xds/debug-http.ts';
import { service } from '../xds/fixtures.ts';
import { ENVOY_NODE, GRPC_NODE, startHarness, until, type Harness } from '../xds/testing/harness.ts';
import { TYPE_URLS } from '../xds/type-urls.ts';
import { createProxyStatusCommand, renderProxyStatus, type SyncEntry } from './proxy-status.ts';
import { runCommand, type CommandRun } from './testing.ts';

const entry = (proxyID: string, kind: string, statuses: Record<string, string>): SyncEntry => ({
  proxyID,
  kind,
  group: 'default',
  userAgent: 'envoy',
  types: Object.entries(statuses).map(([type, status]) => ({ type, status })),
});

describe('renderProxyStatus', () => {
  it.each([
    { name: 'every status as istioctl words it', entries: [entry('a', 'sotw', { cds: 'SYNCED', lds: 'NOT_SENT', eds: 'STALE', rds: 'ERROR' })], want: /^a\s+default\s+SOTW\s+SYNCED\s+NOT SENT\s+STALE\s+ERROR\s+envoy$/m },
    { name: 'a type the proxy never subscribed is -', entries: [entry('a', 'delta', { eds: 'SYNCED' })], want: /^a\s+default\s+DELTA\s+-\s+-\s+SYNCED\s+-\s+envoy$/m },
    { name: 'no proxies', entries: [], want: /\(no proxies connected\)/ },
  ])('$name', ({ entries, want }) => {
    const text = renderProxyStatus(entries);
    expect(text.split('\n')[0]).toMatch(/^NAME\s+GROUP\s+STREAM\s+CDS\s+LDS\s+EDS\s+RDS\s+AGENT$/);
    expect(text).toMatch(want);
  });

  it('sorts proxies by name', () => {
    const lines = renderProxyStatus([entry('b', 'sotw', {}), entry('a', 'sotw', {})]).split('\n');
    expect(lines.slice(1, 3).map((l) => l.split(' ')[0])).toEqual(['a', 'b']);
  });
});

function run(args: string[]): Promise<CommandRun> {
  return runCommand((stderr) => createProxyStatusCommand<null>({ stderr }), args);
}

describe('weft proxy-status against a running ADS server', () => {
  let h: Harness;
  let debugUrl: string;
  let closeDebug: () => void;
  beforeAll(async () => {
    h = await startHarness();
    h.cache.setResources('default', service('reviews', [{ address: '127.0.0.1', port: 9080 }]));
    const debug = await createDebugServer(createDebugHandlers({ streamCores: () => h.server.streamCores(), cache: h.cache, registry: h.server.metrics.registry }), '127.0.0.1', 0);
    debugUrl = `http://127.0.0.1:${debug.port}`;
    closeDebug = () => debug.server.close();
  });
  afterAll(async () => {
    closeDebug();
    await h.stop();
  });

  it('lists each proxy with SYNCED for an ACKed type and STALE for one awaiting its ACK', async () => {
    const envoy = h.connect('sotw');
    envoy.send({ node: ENVOY_NODE, type_url: TYPE_URLS.cluster });
    envoy.ack(await envoy.next());
    const grpc = h.connect('sotw');
    grpc.send({ node: GRPC_NODE, type_url: TYPE_URLS.endpoint, resource_names: ['reviews'] });
    await grpc.next();
    await until(() => h.server.streams().some((s) => s.node.id === ENVOY_NODE.id && s.types.some((t) => t.type === 'cds' && t.status === 'SYNCED')));

    const { code, out } = await run(['--debug-address', debugUrl]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${ENVOY_NODE.id.replaceAll('.', '\\.')}\\s+default\\s+SOTW\\s+SYNCED\\s+-\\s+-\\s+-\\s+envoy$`, 'm'));
    expect(out).toMatch(/^grpc-client-1\s+default\s+SOTW\s+-\s+-\s+STALE\s+-\s+gRPC Node Pure JS$/m);

    const json = await run(['--debug-address', debugUrl, '-o', 'json']);
    expect((JSON.parse(json.out) as SyncEntry[]).map((e) => e.proxyID).sort()).toEqual(['grpc-client-1', ENVOY_NODE.id]);

    // A bare host:port is read over plain HTTP.
    const bare = await run(['--debug-address', debugUrl.replace(/^http:\/\//, '')]);
    expect(bare.code).toBe(0);
    expect(bare.out).toBe(out);
  });

  it('exits 2 with the reason when discovery cannot be read', async () => {
    const { code, err } = await run(['--debug-address', 'http://127.0.0.1:1']);
    expect(code).toBe(2);
    expect(err).toMatch(/weft proxy-status: http:\/\/127\.0\.0\.1:1\/debug\/syncz: /);
  });
});
