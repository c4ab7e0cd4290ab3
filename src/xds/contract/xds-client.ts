/**
 * A real grpc-js-xds channel (`xds:///name`) bootstrapped against our ADS server, and helpers
 * to make echo calls through it.
 */
import * as grpc from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { ECHO_PATH } from './backends.ts';

register();

export type CallResult = { readonly ok: true; readonly backend: string } | { readonly ok: false; readonly code: grpc.status; readonly details: string };

export interface XdsTestChannel {
  call(options?: { readonly headers?: Readonly<Record<string, string>>; readonly deadlineMs?: number }): Promise<CallResult>;
  close(): void;
}

export function xdsBootstrap(adsAddress: string, nodeId: string): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: adsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: nodeId, cluster: 'contract', locality: {}, metadata: { GENERATOR: 'grpc' } },
  });
}

export function openXdsChannel(adsAddress: string, target: string, nodeId = `contract-${target}`): XdsTestChannel {
  const client = new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': xdsBootstrap(adsAddress, nodeId),
  });
  return {
    call(options = {}) {
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(options.headers ?? {})) metadata.set(key, value);
      return new Promise((resolve) => {
        client.makeUnaryRequest(
          ECHO_PATH,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          metadata,
          { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
          (err, value) => {
            if (err === null && value !== undefined) resolve({ ok: true, backend: value.toString() });
            else resolve({ ok: false, code: err?.code ?? grpc.status.UNKNOWN, details: err?.details ?? '' });
          },
        );
      });
    },
    close() {
      client.close();
    },
  };
}

/** Makes `n` calls one after another. */
export async function callSequentially(channel: XdsTestChannel, n: number, headers?: Readonly<Record<string, string>>): Promise<CallResult[]> {
  const results: CallResult[] = [];
  for (let i = 0; i < n; i++) results.push(await channel.call(headers === undefined ? {} : { headers }));
  return results;
}

export function countBy(results: readonly CallResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? r.backend : `error:${grpc.status[r.code]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
