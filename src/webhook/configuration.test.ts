import { describe, expect, it } from 'vitest';
import { serviceClientConfig, urlClientConfig, webhookConfiguration } from './configuration.ts';

describe('webhookConfiguration', () => {
  it.each([
    ['service', serviceClientConfig('istiod', 'istio-system'), { service: { name: 'istiod', namespace: 'istio-system', port: 443, path: '/validate' } }],
    ['url', urlClientConfig('127.0.0.1', 15017), { url: 'https://127.0.0.1:15017/validate' }],
  ])('%s: one webhook, failurePolicy Ignore, every networking.istio.io resource, never a caBundle', (_what, clientConfig, expected) => {
    const config = webhookConfiguration('istio-validator-istio-system', clientConfig);
    expect(config).toMatchObject({ kind: 'ValidatingWebhookConfiguration', metadata: { name: 'istio-validator-istio-system' } });
    expect(config.webhooks).toEqual([
      expect.objectContaining({
        name: 'validation.istio.io',
        clientConfig: expected,
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['networking.istio.io'], apiVersions: ['*'], resources: ['*'], scope: '*' }],
      }),
    ]);
    expect(JSON.stringify(config)).not.toContain('caBundle');
  });
});
