/**
 * The demo's proxyless gRPC client: grpc-js-xds, bootstrapped to Weft's plaintext xDS port and
 * identified as an Istio sidecar in a namespace, calls the echo service and counts who answered.
 *
 *   node src/demo/client.ts 127.0.0.1:XDS_PORT hello.demo.svc.cluster.local:7070 [calls]
 */
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { fileURLToPath } from 'node:url';

register();

const ECHO_METHOD = '/weft.test.Echo/Echo';

/** grpc-js-xds's bootstrap: one plaintext xDS server and an Istio-style node in `namespace`. */
export function meshBootstrap(xdsAddress: string, namespace: string, ip = '10.245.255.254'): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: `sidecar~${ip}~client.${namespace}~${namespace}.svc.cluster.local`, locality: {}, metadata: { GENERATOR: 'grpc', NAMESPACE: namespace } },
  });
}

export interface EchoClient {
  /** One call; resolves to the answering workload's name or `error:<code name>`. */
  call(headers?: Readonly<Record<string, string>>, deadlineMs?: number): Promise<string>;
  close(): void;
}

export function echoClient(xdsAddress: string, namespace: string, target: string): EchoClient {
  const client = new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': meshBootstrap(xdsAddress, namespace) });
  return {
    call(headers = {}, deadlineMs = 10_000) {
      const metadata = new grpc.Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      return new Promise((done) => {
        client.makeUnaryRequest(ECHO_METHOD, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, { deadline: Date.now() + deadlineMs }, (err, value) => {
          done(err === null && value !== undefined ? value.toString() : `error:${grpc.status[err?.code ?? grpc.status.UNKNOWN]}`);
        });
      });
    },
    close: () => { client.close(); },
  };
}

/** Counts answers by workload name over `n` sequential calls. */
export async function tally(client: EchoClient, n: number, headers?: Readonly<Record<string, string>>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await client.call(headers);
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}

/** `who: count (percent)` lines, sorted by name. */
export function formatTally(counts: ReadonlyMap<string, number>): string[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([who, n]) => `${who}: ${String(n)} (${String(Math.round((100 * n) / Math.max(total, 1)))}%)`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [xds, target, callsText = '100'] = argv;
  if (xds === undefined || target === undefined) {
    process.stderr.write('usage: node src/demo/client.ts XDS_HOST:PORT HOST:PORT [calls]\n');
    return 2;
  }
  const namespace = target.split('.')[1] ?? 'default';
  const client = echoClient(xds, namespace, target);
  const counts = await tally(client, Number(callsText));
  client.close();
  process.stdout.write(`${formatTally(counts).join('\n')}\n`);
  return [...counts.keys()].some((k) => k.startsWith('error:')) ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
