import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/analyze.ts';
import { acceptedCondition, computeIstioStatus, resolvedRefsCondition, validationMessages, type Verdict } from './istio-status.ts';

const missingSubset: Finding = {
  kind: 'VirtualService',
  namespace: 'default',
  name: 'reviews',
  path: 'spec.http[0].route[0].destination',
  code: 'IST0101',
  level: 'Error',
  message: 'Referenced host+subset in destinationrule not found: "reviews+v2"',
};
const otherWarning: Finding = { ...missingSubset, code: 'IST0109', level: 'Warning', path: 'spec.hosts', message: 'conflicting hosts' };
const weightError = { path: 'spec.http[0].route[1].weight', message: 'weight -1 < 0' };

const verdict = (v: Partial<Verdict>): Verdict => ({ generation: 2, errors: [], servedGeneration: 2, findings: [], ...v });

describe('Accepted condition', () => {
  it.each([
    { name: 'valid', v: verdict({}), status: 'True', reason: 'Accepted', message: 'Generation 2 is valid and served.' },
    {
      name: 'invalid, earlier generation served',
      v: verdict({ generation: 3, errors: [weightError], servedGeneration: 2 }),
      status: 'False',
      reason: 'InvalidServingPreviousGeneration',
      message: 'Generation 3 is invalid: spec.http[0].route[1].weight: weight -1 < 0. Generation 2, the last valid one, is still served.',
    },
    {
      name: 'never valid',
      v: verdict({ generation: 1, errors: [weightError], servedGeneration: undefined }),
      status: 'False',
      reason: 'Invalid',
      message: 'Generation 1 is invalid: spec.http[0].route[1].weight: weight -1 < 0. Nothing is served for this object: no generation of it was ever valid.',
    },
  ])('$name', ({ v, status, reason, message }) => {
    expect(acceptedCondition(v)).toEqual({ type: 'Accepted', status, reason, message, observedGeneration: v.generation });
  });

  it('lists at most ten errors', () => {
    const errors = Array.from({ length: 12 }, (_, i) => ({ path: `spec.hosts[${i}]`, message: 'bad' }));
    expect(acceptedCondition(verdict({ errors, servedGeneration: undefined })).message).toContain('spec.hosts[9]: bad; and 2 more.');
  });
});

describe('ResolvedRefs condition', () => {
  it.each([
    { name: 'all found', v: verdict({}), status: 'True', reason: 'ResolvedRefs' },
    { name: 'warnings that are not missing references', v: verdict({ findings: [otherWarning] }), status: 'True', reason: 'ResolvedRefs' },
    { name: 'a missing subset', v: verdict({ findings: [missingSubset] }), status: 'False', reason: 'ReferencedResourceNotFound' },
    { name: 'nothing served', v: verdict({ servedGeneration: undefined, errors: [weightError] }), status: 'Unknown', reason: 'NotServed' },
  ])('$name', ({ v, status, reason }) => {
    expect(resolvedRefsCondition(v)).toMatchObject({ type: 'ResolvedRefs', status, reason, observedGeneration: 2 });
  });

  it('names what is missing', () => {
    expect(resolvedRefsCondition(verdict({ findings: [missingSubset] })).message).toBe(
      'spec.http[0].route[0].destination: Referenced host+subset in destinationrule not found: "reviews+v2"',
    );
  });
});

describe('validationMessages', () => {
  it('maps findings to Istio analysis messages, sorted by code', () => {
    expect(validationMessages([otherWarning, missingSubset])).toEqual([
      {
        type: { code: 'IST0101' },
        level: 'ERROR',
        description: 'spec.http[0].route[0].destination: Referenced host+subset in destinationrule not found: "reviews+v2"',
        documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
      },
      { type: { code: 'IST0109' }, level: 'WARNING', description: 'spec.hosts: conflicting hosts', documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0109/' },
    ]);
  });
});

describe('computeIstioStatus', () => {
  const t0 = new Date('2026-11-22T00:00:00Z');
  const t1 = new Date('2026-11-22T01:00:00Z');

  it('keeps lastTransitionTime while a condition keeps its status, and moves it on a flip', () => {
    const first = computeIstioStatus(verdict({}), undefined, t0);
    expect(first.observedGeneration).toBe(2);
    const same = computeIstioStatus(verdict({ generation: 4, servedGeneration: 4 }), first, t1);
    expect(same.conditions.find((c) => c.type === 'Accepted')?.lastTransitionTime).toBe('2026-11-22T00:00:00Z');
    const flipped = computeIstioStatus(verdict({ generation: 5, errors: [weightError] }), same, t1);
    expect(flipped.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'False', lastTransitionTime: '2026-11-22T01:00:00Z', observedGeneration: 5 });
  });
});
