import { describe, expect, it } from 'vitest';
import { validateIstioObject } from './validate.ts';

const vsSpec = { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] };
const object = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews' },
  spec: vsSpec,
  ...over,
});

describe('validateIstioObject', () => {
  it.each(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'])('accepts %s with the same rules', (apiVersion) => {
    const result = validateIstioObject(object({ apiVersion }));
    expect(result.ok && result.value.apiVersion).toBe(apiVersion);
  });

  it.each([
    ['another group', object({ apiVersion: 'networking.x-k8s.io/v1' })],
    ['an unknown version', object({ apiVersion: 'networking.istio.io/v2' })],
    ['a kind Weft does not validate', object({ kind: 'EnvoyFilter' })],
    ['not an object', 'VirtualService'],
    ['null', null],
  ])('refuses %s without throwing', (_what, input) => {
    const result = validateIstioObject(input);
    expect(result.ok).toBe(false);
  });

  it('puts objects without a namespace in the default namespace, or the one given', () => {
    const a = validateIstioObject(object());
    const b = validateIstioObject(object(), { defaultNamespace: 'shop' });
    expect([a.ok && a.value.metadata.namespace, b.ok && b.value.metadata.namespace]).toEqual(['default', 'shop']);
  });

  it.each([
    [{ metadata: {} }, 'metadata.name', 'Required value: name or generateName is required'],
    [{ metadata: { name: 'Bad_Name' } }, 'metadata.name', 'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'],
    [{ metadata: { name: 'r', annotations: { 'istio.io/dry-run': 'true' } } }, 'metadata.annotations["istio.io/dry-run"]', 'default/r has unsupported annotation istio.io/dry-run, please remove the annotation'],
    [{ metadata: { name: 'r', annotations: { 'internal.istio.io/parents': 'x' } } }, 'metadata.annotations["internal.istio.io/parents"]', '"internal.istio.io/parents" annotation found, this may not be set by users'],
    [{ metadata: { name: 'r', namespace: 'Shop' } }, 'metadata.namespace', 'Invalid value: "Shop": a lowercase RFC 1123 label'],
    [{ extra: 1 }, 'extra', 'unknown field "extra"'],
    [{ spec: { ...vsSpec, hostz: ['a'] } }, 'spec.hostz', 'unknown field "hostz"'],
    [{ spec: { ...vsSpec, hosts: 'reviews' } }, 'spec.hosts', 'Invalid value: "string": must be of type array'],
  ])('%j is rejected at %s', (over, path, message) => {
    const result = validateIstioObject(object(over));
    expect(result.ok ? [] : result.errors).toContainEqual({ path, message: expect.stringContaining(message) as unknown });
  });

  it('still runs Istio\'s rules on the well-typed rest of an ill-typed object', () => {
    const result = validateIstioObject(object({ spec: { hosts: ['*'], http: [{ route: [{ destination: { host: 'r' }, weight: 'ten' }] }] } }));
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['spec.http[0].route[0].weight', 'spec.hosts[0]']);
  });

  it('returns the typed object when valid', () => {
    const result = validateIstioObject(object({ metadata: { name: 'reviews', namespace: 'shop', generation: 3 } }));
    expect(result).toEqual({
      ok: true,
      warnings: [],
      value: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'shop', generation: 3 }, spec: vsSpec },
    });
  });
});
