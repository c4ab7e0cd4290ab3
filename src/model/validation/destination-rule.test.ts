import { describe, it } from 'vitest';
import { expectError, expectValid, expectWarning } from './testing.ts';
import { dr, lb, outlier, DESTINATION_RULE_CASES as cases } from './cases/destination-rule.ts';

describe('DestinationRule rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('DestinationRule', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('DestinationRule', invalid, message, path);
  });
});

describe('DestinationRule warnings', () => {
  it.each([
    { rule: 'failover without outlier detection', spec: lb({ localityLbSetting: { failover: [{ from: 'a', to: 'b' }] } }), message: 'outlier detection policy must be provided for failover' },
    { rule: 'deprecated consecutiveErrors', spec: outlier({ consecutiveErrors: 5 }), message: 'outlier detection consecutive errors is deprecated' },
    { rule: 'selector without labels', spec: dr({ workloadSelector: {} }), message: 'workload selector specified without labels' },
  ])('$rule gives a warning', ({ spec, message }) => {
    expectValid('DestinationRule', spec);
    expectWarning('DestinationRule', spec, message, 'IST0133');
  });
});
