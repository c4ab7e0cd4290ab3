/** A proxyless gRPC client (grpc-js-xds) identified as an Istio sidecar of a namespace. */
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';

register();

export interface MeshClient {
  /** One echo call; resolves to the answering workload's name or `error:<code name>`. */
  call(headers?: Readonly<Record<string, string>>, deadlineMs?: number): Promise<string>;
  close(): void;
}

export function meshClient(xdsPort: number, namespace: string, target: string): MeshClient {
  const bootstrap = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: `sidecar~10.245.255.254~client.${namespace}~${namespace}.svc.cluster.local`, locality: {}, metadata: { GENERATOR: 'grpc', NAMESPACE: namespace } },
  });
  const client = new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': bootstrap });
  return {
    call(headers = {}, deadlineMs = 10_000) {
      const metadata = new grpc.Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      return new Promise((done) => {
        client.makeUnaryRequest('/weft.test.Echo/Echo', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, { deadline: Date.now() + deadlineMs }, (err, value) => {
          done(err === null && value !== undefined ? value.toString() : `error:${grpc.status[err?.code ?? grpc.status.UNKNOWN]}`);
        });
      });
    },
    close: () => { client.close(); },
  };
}

/** Counts answers by workload name. */
export async function tally(client: MeshClient, n: number, headers?: Readonly<Record<string, string>>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await client.call(headers);
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}
