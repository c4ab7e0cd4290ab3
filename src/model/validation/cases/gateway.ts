/** Rule cases of istio.md §2.2 for Gateway: a valid and an invalid spec per rule, with Istio's message. */
import type { RuleCase } from './rule-case.ts';

export const http = { number: 80, name: 'http', protocol: 'HTTP' };
export const https = { number: 443, name: 'https', protocol: 'HTTPS' };
export const server = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ port: http, hosts: ['*'], ...extra });
export const gw = (...servers: Record<string, unknown>[]): Record<string, unknown> => ({ selector: { istio: 'ingressgateway' }, servers });
export const tlsServer = (tls: Record<string, unknown>): Record<string, unknown> => gw(server({ port: https, tls }));

export const GATEWAY_CASES: readonly RuleCase[] = [
  { rule: 'at least one server', valid: gw(server()), invalid: gw(), message: 'gateway must have at least one server', path: 'spec.servers' },
  { rule: 'port names unique', valid: gw(server(), server({ port: https, tls: { mode: 'SIMPLE', credentialName: 'c' } })), invalid: gw(server(), server({ port: { ...http, number: 8080 } })), message: 'port names in servers must be unique: duplicate name http' },
  { rule: 'at least one host', valid: gw(server({ hosts: ['a.com'] })), invalid: gw(server({ hosts: [] })), message: 'server config must contain at least one host' },
  { rule: 'no short names', valid: gw(server({ hosts: ['bookinfo.com'] })), invalid: gw(server({ hosts: ['bookinfo'] })), message: 'short names (non FQDN) are not allowed' },
  { rule: 'no partial wildcards', valid: gw(server({ hosts: ['*.a.com'] })), invalid: gw(server({ hosts: ['*a.com'] })), message: 'partial wildcard "*a.com" not allowed' },
  { rule: 'host namespace', valid: gw(server({ hosts: ['prod/a.com', './b.com', '*/c.com'] })), invalid: gw(server({ hosts: ['Prod_NS/a.com'] })), message: 'invalid namespace value "Prod_NS" in gateway' },
  { rule: 'hosts may be IPs', valid: gw(server({ hosts: ['10.1.2.3'] })), invalid: gw(server({ hosts: ['a..com'] })), message: 'domain name ".com" invalid (label "" invalid)' },
  { rule: 'port required', valid: gw(server()), invalid: gw({ hosts: ['*'] }), message: 'port is required', path: 'spec.servers[0].port' },
  { rule: 'port name required', valid: gw(server()), invalid: gw(server({ port: { number: 80, protocol: 'HTTP' } })), message: 'port name must be set: ' },
  { rule: 'port number in range', valid: gw(server()), invalid: gw(server({ port: { ...http, number: 70000 } })), message: 'port number 70000 must be in the range 1..65535' },
  {
    rule: 'known protocol',
    valid: gw(server({ port: { ...http, protocol: 'grpc-web' } })),
    invalid: gw(server({ port: { ...http, protocol: 'QUIC' } })),
    message: 'invalid protocol "QUIC", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
  },
  { rule: 'no targetPort', valid: gw(server()), invalid: gw(server({ port: { ...http, targetPort: 8080 } })), message: 'targetPort has no impact on Gateways' },
  { rule: 'unix bind means port 0', valid: gw(server({ port: { ...http, number: 0 }, bind: 'unix:///var/run/gw.sock' })), invalid: gw(server({ bind: 'unix:///var/run/gw.sock' })), message: 'port number must be 0 for unix domain socket: ' },
  { rule: 'bind is an IP', valid: gw(server({ bind: '0.0.0.0' })), invalid: gw(server({ bind: 'localhost' })), message: 'localhost is not a valid IP' },
  { rule: 'HTTPS needs TLS settings', valid: gw(server({ port: https, tls: { mode: 'SIMPLE', credentialName: 'cert' } })), invalid: gw(server({ port: https })), message: 'server must have TLS settings for HTTPS/TLS protocols' },
  { rule: 'HTTP only with httpsRedirect', valid: gw(server({ tls: { httpsRedirect: true } })), invalid: gw(server({ tls: { mode: 'SIMPLE', credentialName: 'cert' } })), message: 'server cannot have TLS settings for plain text HTTP ports' },
  { rule: 'no TLS on plain TCP', valid: gw(server({ port: { number: 3306, name: 'mysql', protocol: 'TCP' } })), invalid: gw(server({ port: { number: 3306, name: 'mysql', protocol: 'TCP' }, tls: { httpsRedirect: true } })), message: 'server cannot have TLS settings for non HTTPS/TLS ports' },
  { rule: 'ISTIO_MUTUAL without server certificate', valid: tlsServer({ mode: 'ISTIO_MUTUAL' }), invalid: tlsServer({ mode: 'ISTIO_MUTUAL', serverCertificate: '/c.pem' }), message: 'ISTIO_MUTUAL TLS cannot have associated server certificate' },
  { rule: 'ISTIO_MUTUAL without private key', valid: tlsServer({ mode: 'ISTIO_MUTUAL' }), invalid: tlsServer({ mode: 'ISTIO_MUTUAL', privateKey: '/k.pem' }), message: 'ISTIO_MUTUAL TLS cannot have associated private key' },
  { rule: 'ISTIO_MUTUAL without CA bundle', valid: tlsServer({ mode: 'ISTIO_MUTUAL' }), invalid: tlsServer({ mode: 'ISTIO_MUTUAL', caCertificates: '/ca.pem' }), message: 'ISTIO_MUTUAL TLS cannot have associated CA bundle' },
  { rule: 'ISTIO_MUTUAL without credentialName', valid: tlsServer({ mode: 'ISTIO_MUTUAL' }), invalid: tlsServer({ mode: 'ISTIO_MUTUAL', credentialName: 'c' }), message: 'ISTIO_MUTUAL TLS cannot have associated credentialName' },
  {
    rule: 'one certificate source',
    valid: tlsServer({ mode: 'SIMPLE', serverCertificate: '/c.pem', privateKey: '/k.pem' }),
    invalid: tlsServer({ mode: 'SIMPLE', credentialName: 'c', serverCertificate: '/c.pem', privateKey: '/k.pem' }),
    message: 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
  },
  { rule: 'SIMPLE needs a server certificate', valid: tlsServer({ mode: 'SIMPLE', credentialNames: ['rsa', 'ecdsa'] }), invalid: tlsServer({ mode: 'SIMPLE', privateKey: '/k.pem' }), message: 'SIMPLE TLS requires a server certificate' },
  { rule: 'SIMPLE needs a private key', valid: tlsServer({ mode: 'SIMPLE', credentialName: 'c' }), invalid: tlsServer({ mode: 'SIMPLE', serverCertificate: '/c.pem' }), message: 'SIMPLE TLS requires a private key' },
  {
    rule: 'MUTUAL needs a client CA bundle',
    valid: tlsServer({ mode: 'MUTUAL', serverCertificate: '/c.pem', privateKey: '/k.pem', caCertificates: '/ca.pem' }),
    invalid: tlsServer({ mode: 'MUTUAL', serverCertificate: '/c.pem', privateKey: '/k.pem' }),
    message: 'MUTUAL TLS requires a client CA bundle',
  },
  { rule: 'CRL not with SIMPLE', valid: tlsServer({ mode: 'MUTUAL', credentialName: 'c' }), invalid: tlsServer({ mode: 'SIMPLE', serverCertificate: '/c.pem', privateKey: '/k.pem', caCrl: '/crl.pem' }), message: 'CRL is not supported with SIMPLE TLS' },
];
