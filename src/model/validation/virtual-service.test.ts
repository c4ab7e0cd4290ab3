import { describe, expect, it } from 'vitest';
import { expectError, expectValid, expectWarning, validateSpec } from './testing.ts';
import { dest, route, vs, VIRTUAL_SERVICE_CASES as cases } from './cases/virtual-service.ts';

describe('VirtualService rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('VirtualService', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('VirtualService', invalid, message, path);
  });
});

const warnings: { rule: string; spec: Record<string, unknown>; message: string; code: string }[] = [
  { rule: 'legacy gateway name', spec: vs(route(), { gateways: ['gw.istio-system'] }), message: 'using legacy gatewayName format "gw.istio-system"; prefer the <namespace>/<name> format: "istio-system/gw"', code: 'IST0133' },
  { rule: 'abort without error type', spec: vs(route({ fault: { abort: { percentage: { value: 1 } } } })), message: 'abort configured, but error type not set', code: 'IST0133' },
  { rule: 'deprecated mirrorPercent', spec: vs(route({ mirror: { host: 'm' }, mirrorPercent: 5 })), message: 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', code: 'IST0133' },
  { rule: 'IP as SNI host', spec: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['1.2.3.4'] }], route: [dest('a.com')] }] }, message: 'using an IP address ("1.2.3.4") goes against SNI spec', code: 'IST0133' },
  { rule: 'rule after a catch-all', spec: { hosts: ['r'], http: [route(), route({ match: [{ uri: { prefix: '/a' } }] })] }, message: 'virtualService rule #1 not used (route without matches defined before)', code: 'IST0130' },
  { rule: 'two catch-alls', spec: { hosts: ['r'], http: [route(), route({ name: 'second' })] }, message: 'virtualService rule "second" not used (only the last rule can have no matches)', code: 'IST0130' },
  {
    rule: 'duplicate match',
    spec: { hosts: ['r'], http: [route({ match: [{ uri: { exact: '/a' } }] }), route({ match: [{ name: 'dup', uri: { exact: '/a' } }, { uri: { exact: '/b' } }] })] },
    message: 'virtualService rule #1 match "dup" is not used (duplicate/overlapping match in rule #0)',
    code: 'IST0131',
  },
  {
    rule: 'match covered by an earlier prefix',
    spec: { hosts: ['r'], http: [route({ match: [{ uri: { prefix: '/debug' } }] }), route({ name: 'later', match: [{ name: 'm', uri: { prefix: '/debugs' } }] })] },
    message: 'virtualService rule "later" match "m" of prefix /debugs is not used (duplicate/overlapping match in rule #0 of prefix /debug on #0)',
    code: 'IST0131',
  },
  { rule: 'large direct response', spec: vs({ directResponse: { status: 200, body: { string: 'x'.repeat(200 * 1024) } } }), message: 'large direct_responses may impact control plane performance', code: 'IST0133' },
];

describe('VirtualService warnings', () => {
  it.each(warnings)('$rule gives a warning, not an error', ({ spec, message, code }) => {
    expectValid('VirtualService', spec);
    expectWarning('VirtualService', spec, message, code);
  });

  it('does not warn when a longer prefix comes first or the methods differ', () => {
    const spec = (first: Record<string, unknown>, second: Record<string, unknown>): Record<string, unknown> => ({ hosts: ['r'], http: [route({ match: [first] }), route({ match: [second] })] });
    expect(expectValid('VirtualService', spec({ uri: { prefix: '/debugs' } }, { uri: { prefix: '/debug' } }))).toEqual([]);
    expect(expectValid('VirtualService', spec({ uri: { prefix: '/a' }, method: { exact: 'POST' } }, { uri: { prefix: '/ab' } }))).toEqual([]);
  });

  it('reports every error of an object, each with its own path', () => {
    const result = validateSpec('VirtualService', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' }, weight: 10 }, { destination: { host: '*' }, weight: -5 }] }] });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'spec.http[0].route[1].destination.host', message: 'invalid destination host *' },
      { path: 'spec.http[0].route[1].weight', message: 'weight -5 < 0' },
    ]);
  });
});
