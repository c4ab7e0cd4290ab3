import { describe, it } from 'vitest';
import { expectError, expectValid, expectWarning } from './testing.ts';
import { https, server, gw, tlsServer, GATEWAY_CASES as cases } from './cases/gateway.ts';

describe('Gateway rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('Gateway', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('Gateway', invalid, message, path);
  });

  it('the gateway name is a DNS label', () => {
    expectValid('Gateway', gw(server()), 'my-gateway');
    expectError('Gateway', gw(server()), 'invalid gateway name: "my.gateway"', 'metadata.name', 'my.gateway');
  });

  it.each([
    { rule: 'httpsRedirect on a non-HTTP server', spec: gw(server({ port: https, tls: { httpsRedirect: true, mode: 'SIMPLE', credentialName: 'c' } })), message: 'tls.httpsRedirect should only be used with http servers' },
    { rule: 'old TLS without ciphers', spec: tlsServer({ mode: 'SIMPLE', credentialName: 'c', minProtocolVersion: 'TLSV1_0' }), message: 'TLS version below TLSV1_2 require setting compatible ciphers' },
    { rule: 'certificates on passthrough', spec: tlsServer({ mode: 'PASSTHROUGH', credentialName: 'c' }), message: 'PASSTHROUGH mode does not use certificates, they will be ignored' },
  ])('$rule gives a warning', ({ spec, message }) => {
    expectValid('Gateway', spec);
    expectWarning('Gateway', spec, message, 'IST0133');
  });
});
