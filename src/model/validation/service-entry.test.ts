import { describe, it } from 'vitest';
import { expectError, expectValid, expectWarning } from './testing.ts';
import { port, se, SERVICE_ENTRY_CASES as cases, WORKLOAD_ENTRY_CASES as weCases } from './cases/service-entry.ts';

describe('ServiceEntry rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('ServiceEntry', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('ServiceEntry', invalid, message, path);
  });

  it.each([
    { rule: 'partial wildcard host', spec: se({ hosts: ['*api.example.com'], resolution: 'NONE' }), message: 'partial wildcard "*api.example.com" not allowed', code: 'IST0133' },
    {
      rule: 'several hosts with an address and a TCP port',
      spec: se({ hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.1'], ports: [port(443, 'https', 'HTTPS')] }),
      message: 'service entry can not have more than one host specified simultaneously with address and tcp port',
      code: 'IST0133',
    },
    { rule: 'TCP port without addresses', spec: se({ ports: [port(3306, 'mysql', 'TCP')] }), message: 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled', code: 'IST0134' },
  ])('$rule gives a warning', ({ spec, message, code }) => {
    expectValid('ServiceEntry', spec);
    expectWarning('ServiceEntry', spec, message, code);
  });
});

describe('WorkloadEntry rules', () => {
  it.each(weCases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('WorkloadEntry', valid);
  });
  it.each(weCases)('$rule: the invalid case is rejected', ({ invalid, message, path }) => {
    expectError('WorkloadEntry', invalid, message, path);
  });
});
