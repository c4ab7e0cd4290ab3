/** Rule cases of istio.md §2.2 for Sidecar: a valid and an invalid spec per rule, with Istio's message. */
import type { RuleCase } from './rule-case.ts';

export const egress = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hosts: ['./*', 'istio-system/*'], ...extra });
export const sc = (extra: Record<string, unknown>): Record<string, unknown> => ({ egress: [egress()], ...extra });
export const ingress = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:8080', ...extra });

export const SIDECAR_CASES: readonly RuleCase[] = [
  { rule: 'not empty', valid: sc({}), invalid: {}, message: 'sidecar: empty configuration provided', path: 'spec' },
  { rule: 'egress hosts required', valid: sc({}), invalid: { egress: [{ port: { number: 80, protocol: 'HTTP', name: 'http' } }] }, message: 'sidecar: egress listener must contain at least one host' },
  { rule: 'egress hosts are namespace/dnsName', valid: sc({}), invalid: { egress: [egress({ hosts: ['foo.com'] })] }, message: 'host must be of form namespace/dnsName' },
  { rule: 'egress host namespace', valid: { egress: [egress({ hosts: ['~/*', 'prod/*.a.com'] })] }, invalid: { egress: [egress({ hosts: ['Prod_NS/a.com'] })] }, message: 'invalid namespace value "Prod_NS" in sidecar' },
  { rule: 'egress hosts not short names', valid: { egress: [egress({ hosts: ['prod/a.svc.cluster.local'] })] }, invalid: { egress: [egress({ hosts: ['prod/reviews'] })] }, message: 'short names (non FQDN) are not allowed' },
  {
    rule: 'catch-all egress last',
    valid: { egress: [egress({ port: { number: 80, protocol: 'HTTP', name: 'http' } }), egress()] },
    invalid: { egress: [egress(), egress({ port: { number: 80, protocol: 'HTTP', name: 'http' } })] },
    message: 'sidecar: the egress listener with empty port should be the last listener in the list',
  },
  {
    rule: 'one catch-all egress (an earlier one is not last)',
    valid: { egress: [egress()] },
    invalid: { egress: [egress(), egress()] },
    message: 'sidecar: the egress listener with empty port should be the last listener in the list',
    path: 'spec.egress[0]',
  },
  {
    rule: 'egress ports unique',
    valid: { egress: [egress({ port: { number: 80, protocol: 'HTTP', name: 'http' } }), egress({ port: { number: 81, protocol: 'HTTP', name: 'http2' } })] },
    invalid: { egress: [egress({ port: { number: 80, protocol: 'HTTP', name: 'http' } }), egress({ port: { number: 80, protocol: 'HTTP', name: 'http2' } })] },
    message: 'sidecar: ports on IP bound listeners must be unique',
  },
  {
    rule: 'port 0 needs a unix bind',
    valid: { egress: [egress({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/egress.sock' })] },
    invalid: { egress: [egress({ port: { number: 0, protocol: 'HTTP', name: 'uds' } })] },
    message: 'sidecar: ports with 0 value must have a unix domain socket bind address',
  },
  {
    rule: 'unix listeners capture DEFAULT/NONE',
    valid: { egress: [egress({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///a.sock', captureMode: 'NONE' })] },
    invalid: { egress: [egress({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///a.sock', captureMode: 'IPTABLES' })] },
    message: 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners',
  },
  { rule: 'ingress port required', valid: { ingress: [ingress()] }, invalid: { ingress: [{ defaultEndpoint: '127.0.0.1:8080' }] }, message: 'sidecar: port is required for ingress listeners' },
  { rule: 'ingress ports unique', valid: { ingress: [ingress(), ingress({ port: { number: 9081, protocol: 'HTTP', name: 'h2' } })] }, invalid: { ingress: [ingress(), ingress()] }, message: 'sidecar: ports on IP bound listeners must be unique' },
  { rule: 'defaultEndpoint form', valid: { ingress: [ingress({ defaultEndpoint: '[::1]:8080' })] }, invalid: { ingress: [ingress({ defaultEndpoint: '10.0.0.1:8080' })] }, message: 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset' },
  {
    rule: 'ingress TLS only SIMPLE/MUTUAL',
    valid: { ingress: [ingress({ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', serverCertificate: '/c.pem', privateKey: '/k.pem' } })] },
    invalid: { ingress: [ingress({ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'ISTIO_MUTUAL' } })] },
    message: 'configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls',
  },
  {
    rule: 'egress proxy only with ALLOW_ANY',
    valid: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.example.com', port: { number: 443 } } } },
    invalid: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'egress.example.com', port: { number: 443 } } } },
    message: 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
  },
  {
    rule: 'no ALLOW_ANY_DYNAMIC_DNS in a Sidecar',
    valid: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    invalid: { outboundTrafficPolicy: { mode: 'ALLOW_ANY_DYNAMIC_DNS' } },
    message: 'sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource',
  },
  { rule: 'selector without wildcards', valid: sc({ workloadSelector: { labels: { app: 'a' } } }), invalid: sc({ workloadSelector: { labels: { 'a*': 'b' } } }), message: 'wildcard is not supported in selector: "a*=b"' },
];
