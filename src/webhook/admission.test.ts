import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_CASES } from '../model/validation/cases/index.ts';
import { admit, type AdmissionOutcome } from './admission.ts';

const VS_KIND = { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' };
const dest = (host: string, weight: number): Record<string, unknown> => ({ destination: { host }, weight });
const vs = (route: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo', uid: 'x', managedFields: [{ manager: 'kubectl' }], ...extra },
  spec: { hosts: ['reviews'], http: [{ route }] },
});
const reviewOf = (request: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', kind: VS_KIND, operation: 'CREATE', namespace: 'bookinfo', ...request },
});
const response = (o: AdmissionOutcome): Record<string, unknown> => (o.type === 'review' ? { ...o.review.response } : { malformed: o.message });

const valid = vs([dest('reviews', 50), dest('ratings', 50)]);
const invalid = vs([dest('reviews', 50), dest('ratings', -1)]);

describe('admit', () => {
  it.each([
    ['a valid VirtualService', { object: valid }, { uid: 'u-1', allowed: true }],
    ['an update to a valid one', { operation: 'UPDATE', object: valid, oldObject: invalid }, { uid: 'u-1', allowed: true }],
    ['a DELETE of an invalid one', { operation: 'DELETE', object: null, oldObject: invalid }, { uid: 'u-1', allowed: true }],
    ['a CONNECT', { operation: 'CONNECT', object: invalid }, { uid: 'u-1', allowed: true }],
    ['a status write', { operation: 'UPDATE', subResource: 'status', object: invalid }, { uid: 'u-1', allowed: true }],
    ['an unknown kind of the group', { kind: { group: 'networking.istio.io', version: 'v1', kind: 'ProxyConfig' }, object: { kind: 'ProxyConfig', spec: 7 } }, { uid: 'u-1', allowed: true }],
    ['a kind of another group', { kind: { group: 'apps', version: 'v1', kind: 'VirtualService' }, object: invalid }, { uid: 'u-1', allowed: true }],
    ['a ConfigMap', { kind: { group: '', version: 'v1', kind: 'ConfigMap' }, object: { data: 1 } }, { uid: 'u-1', allowed: true }],
  ])('%s → allowed', (_what, request, expected) => {
    expect(response(admit(reviewOf(request)))).toEqual(expected);
  });

  it('denies an invalid VirtualService with the field path and Istio\'s message', () => {
    const r = response(admit(reviewOf({ object: invalid })));
    expect(r).toMatchObject({ uid: 'u-1', allowed: false, status: { code: 400, reason: 'BadRequest' } });
    expect(r.status).toHaveProperty('message', 'configuration is invalid: 1 error occurred:\n\t* spec.http[0].route[1].weight: weight -1 < 0\n\n');
  });

  it('denies an object whose metadata is wrong, such as a reserved annotation', () => {
    const r = response(admit(reviewOf({ object: vs([dest('reviews', 100)], { annotations: { 'internal.istio.io/webhook-always-reject': 'x' } }) })));
    expect(r).toMatchObject({ allowed: false });
    expect(JSON.stringify(r)).toContain('metadata.annotations[\\"internal.istio.io/webhook-always-reject\\"]');
  });

  it('passes analyzer warnings with their code', () => {
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' }, spec: { host: 'r', trafficPolicy: { outlierDetection: { consecutiveErrors: 5 } } } };
    const r = response(admit(reviewOf({ kind: { ...VS_KIND, kind: 'DestinationRule' }, object: dr })));
    expect(r).toMatchObject({ allowed: true });
    expect(r.warnings).toEqual([expect.stringMatching(/^IST0133 spec\.trafficPolicy\.outlierDetection\.consecutiveErrors: outlier detection consecutive errors is deprecated/)]);
  });

  it.each([
    ['not an object', 'x', 'expected an AdmissionReview'],
    ['another kind', { apiVersion: 'admission.k8s.io/v1', kind: 'TokenReview' }, 'expected an AdmissionReview'],
    ['v1beta1', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'a' } }, 'unsupported AdmissionReview version "admission.k8s.io/v1beta1"; expected admission.k8s.io/v1'],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, 'the AdmissionReview has no request.uid'],
    ['an empty uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: '' } }, 'the AdmissionReview has no request.uid'],
  ])('%s → malformed', (_what, body, message) => {
    expect(admit(body)).toEqual({ type: 'malformed', message });
  });

  const invalidCases = Object.entries(RULE_CASES).flatMap(([kind, cases]) => cases.map((c) => ({ kind, ...c })));
  it.each(invalidCases)('$kind: $rule → the invalid spec is denied with its message, the valid one allowed', (c) => {
    const object = (spec: unknown): unknown => ({ apiVersion: 'networking.istio.io/v1', kind: c.kind, metadata: { name: 'x', namespace: 'default' }, spec });
    const request = (spec: unknown): Record<string, unknown> => ({ kind: { group: 'networking.istio.io', version: 'v1', kind: c.kind }, namespace: 'default', object: object(spec) });
    const denied = response(admit(reviewOf(request(c.invalid))));
    expect(denied.allowed).toBe(false);
    expect(JSON.stringify(denied.status)).toContain(JSON.stringify(c.path === undefined ? c.message : `${c.path}: ${c.message}`).slice(1, -1));
    expect(response(admit(reviewOf(request(c.valid)))).allowed).toBe(true);
  });
});

describe('admit on random and malformed input (fixed seed)', () => {
  const RUNS = { seed: 20261206, numRuns: 400 };
  const request = fc.record(
    {
      uid: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
      kind: fc.oneof(fc.constant(VS_KIND), fc.record({ group: fc.constantFrom('networking.istio.io', '', 'x'), kind: fc.constantFrom('VirtualService', 'Gateway', 'Sidecar', 'Nope') }), fc.jsonValue()),
      operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT', 7, null),
      namespace: fc.oneof(fc.string(), fc.constant('default'), fc.jsonValue()),
      subResource: fc.oneof(fc.constant(''), fc.constant('status'), fc.jsonValue()),
      object: fc.oneof(fc.constant(valid), fc.constant(invalid), fc.jsonValue({ maxDepth: 4 }), fc.record({ apiVersion: fc.constantFrom('networking.istio.io/v1', 'v1'), kind: fc.constantFrom('VirtualService', 'DestinationRule'), metadata: fc.jsonValue({ maxDepth: 2 }), spec: fc.jsonValue({ maxDepth: 4 }) })),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({ apiVersion: fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'), kind: fc.constantFrom('AdmissionReview', 'X'), request }, { requiredKeys: [] }),
  );

  it('never throws, and answers every review with its uid', () => {
    fc.assert(
      fc.property(body, (b) => {
        const outcome = admit(b);
        if (outcome.type === 'malformed') return outcome.message.length > 0;
        const req = (b as { request: { uid: unknown } }).request;
        return outcome.review.response.uid === req.uid && typeof outcome.review.response.allowed === 'boolean';
      }),
      RUNS,
    );
  });

  it('never denies a kind it does not know, nor a DELETE', () => {
    fc.assert(
      fc.property(request, (r) => {
        const outcome = admit({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { ...r, uid: 'u' } });
        const kind = r.kind as { group?: unknown; kind?: unknown } | null;
        const known = typeof kind === 'object' && kind !== null && kind.group === 'networking.istio.io' && kind.kind !== 'Nope';
        if (outcome.type !== 'review') return false;
        return known && (r.operation === 'CREATE' || r.operation === 'UPDATE') ? true : outcome.review.response.allowed;
      }),
      RUNS,
    );
  });
});
