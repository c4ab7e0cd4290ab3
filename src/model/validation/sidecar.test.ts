import { describe, it } from 'vitest';
import { expectError, expectValid, expectWarning } from './testing.ts';
import { egress, sc, SIDECAR_CASES as cases } from './cases/sidecar.ts';

describe('Sidecar rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('Sidecar', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('Sidecar', invalid, message, path);
  });

  it.each([
    { rule: 'duplicate egress host', spec: { egress: [egress({ hosts: ['prod/a.com', 'prod/a.com'] })] }, message: 'duplicated egress host: prod/a.com' },
    { rule: 'selector without labels', spec: sc({ workloadSelector: {} }), message: 'sidecar: workload selector specified without labels, will be applied to all services in namespace' },
  ])('$rule gives a warning', ({ spec, message }) => {
    expectValid('Sidecar', spec);
    expectWarning('Sidecar', spec, message, 'IST0133');
  });
});
