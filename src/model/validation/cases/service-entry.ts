/** Rule cases of istio.md §2.2 for ServiceEntry: a valid and an invalid spec per rule, with Istio's message. */
import type { RuleCase } from './rule-case.ts';

export const port = (number: number, name: string, protocol = 'HTTP'): Record<string, unknown> => ({ number, name, protocol });
export const se = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hosts: ['api.example.com'], ports: [port(80, 'http')], resolution: 'DNS', ...extra });
export const staticSe = (endpoints: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> =>
  se({ resolution: 'STATIC', addresses: ['10.0.0.9'], endpoints, ...extra });

export const SERVICE_ENTRY_CASES: readonly RuleCase[] = [
  { rule: 'at least one host', valid: se(), invalid: se({ hosts: [] }), message: 'service entry must have at least one host', path: 'spec.hosts' },
  { rule: 'host is not *', valid: se({ hosts: ['*.example.com'], resolution: 'NONE' }), invalid: se({ hosts: ['*'] }), message: 'invalid host *', path: 'spec.hosts[0]' },
  { rule: 'hosts are domains', valid: se({ hosts: ['msgd.external'] }), invalid: se({ hosts: ['bad_host.com'] }), message: 'domain name "bad_host.com" invalid (label "bad_host" invalid)' },
  { rule: 'addresses are IPs or CIDRs', valid: se({ addresses: ['10.0.0.1', '192.168.0.0/16'], resolution: 'STATIC' }), invalid: se({ addresses: ['10.0.0.0/33'], resolution: 'STATIC' }), message: '10.0.0.0/33 is not a valid CIDR block' },
  { rule: 'CIDRs only with NONE/STATIC', valid: se({ addresses: ['10.0.0.0/24'], resolution: 'NONE' }), invalid: se({ addresses: ['10.0.0.0/24'] }), message: 'CIDR addresses are allowed only for NONE/STATIC resolution types' },
  { rule: 'port names unique', valid: se({ ports: [port(80, 'http'), port(443, 'https', 'TLS')] }), invalid: se({ ports: [port(80, 'http'), port(8080, 'http')] }), message: 'service entry port name "http" already defined' },
  { rule: 'port numbers unique', valid: se({ ports: [port(80, 'http'), port(8080, 'http-alt')] }), invalid: se({ ports: [port(80, 'http'), port(80, 'http-alt')] }), message: 'service entry port 80 already defined' },
  { rule: 'port names are DNS labels', valid: se({ ports: [port(80, 'http-web')] }), invalid: se({ ports: [port(80, 'http_web')] }), message: 'invalid port name: http_web' },
  { rule: 'port protocols known', valid: se({ ports: [port(80, 'http', 'http2')] }), invalid: se({ ports: [port(80, 'http', 'SPDY')] }), message: 'unsupported protocol: SPDY' },
  { rule: 'port numbers in range', valid: se({ ports: [port(65535, 'http')] }), invalid: se({ ports: [port(0, 'http')] }), message: 'port number 0 must be in the range 1..65535' },
  { rule: 'target ports in range', valid: se({ ports: [{ ...port(80, 'http'), targetPort: 8080 }] }), invalid: se({ ports: [{ ...port(80, 'http'), targetPort: 70000 }] }), message: 'port number 70000 must be in the range 1..65535' },
  {
    rule: 'workloadSelector xor endpoints',
    valid: se({ resolution: 'STATIC', addresses: ['10.0.0.9'], workloadSelector: { labels: { app: 'vm' } } }),
    invalid: staticSe([{ address: '10.0.0.1' }], { workloadSelector: { labels: { app: 'vm' } } }),
    message: 'only one of WorkloadSelector or Endpoints is allowed in Service Entry',
  },
  { rule: 'NONE has no endpoints', valid: se({ resolution: 'NONE', addresses: ['10.0.0.9'] }), invalid: se({ resolution: 'NONE', endpoints: [{ address: '10.0.0.1' }] }), message: 'no endpoints should be provided for resolution type none' },
  { rule: 'STATIC endpoints are IPs', valid: staticSe([{ address: '10.100.35.27' }]), invalid: staticSe([{ address: 'msgd.example.com' }]), message: 'endpoint address "msgd.example.com" is not a valid IP address' },
  { rule: 'STATIC unix endpoints have no ports', valid: staticSe([{ address: 'unix:///var/run/a.sock' }]), invalid: staticSe([{ address: 'unix:///var/run/a.sock', ports: { http: 8080 } }]), message: 'unix endpoint unix:///var/run/a.sock must not include ports' },
  {
    rule: 'unix endpoints need exactly one service port',
    valid: staticSe([{ address: 'unix:///var/run/a.sock' }]),
    invalid: staticSe([{ address: 'unix:///var/run/a.sock' }], { ports: [port(80, 'http'), port(81, 'http2')] }),
    message: 'exactly 1 service port required for unix endpoints',
  },
  { rule: 'endpoint ports are service ports', valid: staticSe([{ address: '10.0.0.1', ports: { http: 8080 } }]), invalid: staticSe([{ address: '10.0.0.1', ports: { grpc: 8080 } }]), message: 'endpoint port 8080 is not defined by the service entry' },
  { rule: 'DNS hosts FQDN without endpoints', valid: se({ hosts: ['*.example.com'], resolution: 'DNS' }), invalid: se({ hosts: ['*bad.example.com'] }), message: 'hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS' },
  { rule: 'DNS endpoints are FQDNs or IPs', valid: se({ endpoints: [{ address: 'backend.example.com' }] }), invalid: se({ endpoints: [{ address: 'bad_name' }] }), message: 'endpoint address "bad_name" is not a valid FQDN or an IP address' },
  {
    rule: 'DNS_ROUND_ROBIN has at most one endpoint',
    valid: se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }] }),
    invalid: se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }),
    message: 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN',
  },
  { rule: 'DYNAMIC_DNS hosts are wildcards', valid: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS' }), invalid: se({ hosts: ['a.example.com'], resolution: 'DYNAMIC_DNS' }), message: 'host must be wildcarded for resolution mode DYNAMIC_DNS' },
  { rule: 'DYNAMIC_DNS has no addresses', valid: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS' }), invalid: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', addresses: ['10.0.0.1'] }), message: 'addresses cannot be set for resolution type DYNAMIC_DNS' },
  {
    rule: 'DYNAMIC_DNS only HTTP/TLS/GRPC/HTTP2',
    valid: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [port(443, 'tls', 'TLS')] }),
    invalid: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [port(3306, 'tcp', 'TCP')] }),
    message: 'only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS',
  },
  {
    rule: 'several hosts need HTTP or TLS ports',
    valid: se({ hosts: ['a.example.com', 'b.example.com'], ports: [port(443, 'https', 'HTTPS')] }),
    invalid: se({ hosts: ['a.example.com', 'b.example.com'], ports: [port(3306, 'mysql', 'TCP')], addresses: ['10.0.0.1'] }),
    message: 'multiple hosts provided with non-HTTP, non-TLS ports',
  },
  { rule: 'exportTo ~ alone', valid: se({ exportTo: ['~'] }), invalid: se({ exportTo: ['~', 'ns1'] }), message: 'cannot export service entry to no one (~) and someone' },
  { rule: 'selector labels without wildcards', valid: se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'vm' } } }), invalid: se({ resolution: 'STATIC', workloadSelector: { labels: { app: '*' } } }), message: 'wildcard is not supported in selector: "app=*"' },
];

export const WORKLOAD_ENTRY_CASES: readonly RuleCase[] = [
  { rule: 'address required', valid: { address: '10.0.0.5' }, invalid: { labels: { app: 'vm' } }, message: 'address is required', path: 'spec.address' },
  { rule: 'address is an IP or FQDN', valid: { address: 'vm1.example.com' }, invalid: { address: 'bad_host' }, message: 'endpoint address "bad_host" is not a valid FQDN or an IP address' },
  { rule: 'unix address has no ports', valid: { address: 'unix:///var/run/a.sock' }, invalid: { address: 'unix:///var/run/a.sock', ports: { http: 80 } }, message: 'unix endpoint unix:///var/run/a.sock must not include ports' },
  { rule: 'unix address is absolute', valid: { address: 'unix://@abstract' }, invalid: { address: 'unix://relative.sock' }, message: 'relative.sock is not an absolute path to a file' },
  { rule: 'port names', valid: { address: '10.0.0.5', ports: { http: 8080 } }, invalid: { address: '10.0.0.5', ports: { 'http_web': 8080 } }, message: 'invalid port name: http_web' },
  { rule: 'port numbers', valid: { address: '10.0.0.5', ports: { http: 8080 } }, invalid: { address: '10.0.0.5', ports: { http: 0 } }, message: 'port number 0 must be in the range 1..65535' },
  { rule: 'labels', valid: { address: '10.0.0.5', labels: { app: 'vm' } }, invalid: { address: '10.0.0.5', labels: { app: 'a b' } }, message: 'invalid tag value: "a b"' },
];
