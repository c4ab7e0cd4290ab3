import { describe, expect, it } from 'vitest';
import { validateIstioObject } from '../../validate.ts';
import { RULE_CASES } from './index.ts';

describe('RULE_CASES', () => {
  it('has cases for every kind', () => {
    expect(Object.entries(RULE_CASES).map(([kind, cases]) => [kind, cases.length > 0])).toEqual([
      ['VirtualService', true], ['DestinationRule', true], ['Gateway', true], ['ServiceEntry', true], ['Sidecar', true], ['WorkloadEntry', true],
    ]);
  });

  it('names every rule once per kind', () => {
    for (const cases of Object.values(RULE_CASES)) expect(new Set(cases.map((c) => c.rule)).size).toBe(cases.length);
  });

  it('gives verdicts that differ between the valid and the invalid spec of every rule', () => {
    const verdict = (kind: string, spec: unknown): boolean => validateIstioObject({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'example' }, spec }).ok;
    const same = Object.entries(RULE_CASES).flatMap(([kind, cases]) => cases.filter((c) => verdict(kind, c.valid) === verdict(kind, c.invalid)).map((c) => `${kind}: ${c.rule}`));
    expect(same).toEqual([]);
  });
});
