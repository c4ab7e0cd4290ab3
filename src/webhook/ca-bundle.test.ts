import { describe, expect, it } from 'vitest';
import { caBundleApply } from './ca-bundle.ts';

const hook = (name: string, caBundle?: string): Record<string, unknown> => ({
  name,
  clientConfig: { service: { name: 'istiod', namespace: 'istio-system', port: 443 }, ...(caBundle === undefined ? {} : { caBundle }) },
  admissionReviewVersions: ['v1'],
  sideEffects: 'None',
});
const config = (...webhooks: Record<string, unknown>[]): never => ({ metadata: { name: 'istio-validator-istio-system' }, webhooks }) as never;

describe('caBundleApply', () => {
  it.each([
    ['no caBundle yet', config(hook('validation.istio.io')), ['validation.istio.io']],
    ['another CA', config(hook('validation.istio.io', 'b2xk')), ['validation.istio.io']],
    ['one of two is stale: both are named, so we keep owning both', config(hook('a', 'Q0E='), hook('b')), ['a', 'b']],
  ])('%s → applies only name + caBundle', (_what, vwc, names) => {
    expect(caBundleApply(vwc, 'Q0E=')).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'istio-validator-istio-system' },
      webhooks: names.map((name) => ({ name, clientConfig: { caBundle: 'Q0E=' } })),
    });
  });

  it.each([
    ['every webhook has our CA', config(hook('a', 'Q0E='), hook('b', 'Q0E='))],
    ['no webhooks', config()],
  ])('%s → nothing to write', (_what, vwc) => {
    expect(caBundleApply(vwc, 'Q0E=')).toBeUndefined();
  });
});
