/** The AdmissionReview bodies the webhook benchmark sends: what the API server sends for a create. */

export const vsObject = (name: string, weight: number): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'default' },
  spec: {
    hosts: ['reviews.default.svc.cluster.local'],
    http: [
      { match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'reviews', subset: 'v2' }, weight }, { destination: { host: 'reviews', subset: 'v1' }, weight: 100 - weight }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }], retries: { attempts: 3, perTryTimeout: '2s' }, timeout: '10s' },
    ],
  },
});

export function review(uid: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, kind: { group: 'networking.istio.io', version: 'v1', kind: String(object.kind) }, operation: 'CREATE', namespace: 'default', object },
  });
}

/** p50 and p99 (nearest rank) of a sample, in milliseconds with three decimals. */
export function percentiles(samples: readonly number[]): { readonly n: number; readonly p50Ms: number; readonly p99Ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { n: sorted.length, p50Ms: round(at(50)), p99Ms: round(at(99)) };
}
