import { describe, expect, it } from 'vitest';
import { analyze, gatewayKey, toFqdn, visibleFrom } from './analyze.ts';
import type { IstioResource, KnownService } from './types.ts';
import { validateIstioObject } from './validate.ts';

function res(kind: string, name: string, spec: unknown, namespace = 'default'): IstioResource {
  const result = validateIstioObject({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const svc = (name: string, ports: number[] = [9080], namespace = 'default'): KnownService => ({ name, namespace, ports: ports.map((port) => ({ port })) });
const reviewsVs = res('VirtualService', 'reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] });
const reviewsDr = (subsets: string[], namespace = 'default', exportTo?: string[]): IstioResource =>
  res('DestinationRule', 'reviews', { host: 'reviews', subsets: subsets.map((name) => ({ name, labels: { version: name } })), ...(exportTo === undefined ? {} : { exportTo }) }, namespace);
const codes = (resources: IstioResource[], services: KnownService[] = []): string[] => analyze({ resources, services }).map((f) => `${f.kind}/${f.name} ${f.code} ${f.path}: ${f.message}`);

describe('analyze (istioctl analyze checks)', () => {
  it('IST0101: a route to a host that is neither a Service nor a ServiceEntry', () => {
    expect(codes([reviewsVs, reviewsDr(['v3'])], [])).toContain('VirtualService/reviews IST0101 spec.http[0].route[0].destination.host: Referenced host not found: "reviews"');
    expect(codes([reviewsVs, reviewsDr(['v3'])], [svc('reviews')])).toEqual([]);
  });

  it('IST0101: a subset missing from the DestinationRule, resolved when the rule gains it', () => {
    const missing = 'VirtualService/reviews IST0101 spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews+v3"';
    expect(codes([reviewsVs, reviewsDr(['v1', 'v2'])], [svc('reviews')])).toEqual([missing]);
    expect(codes([reviewsVs, reviewsDr(['v1', 'v2', 'v3'])], [svc('reviews')])).toEqual([]);
  });

  it('exportTo: a DestinationRule exported elsewhere does not count', () => {
    const other = reviewsDr(['v3'], 'default', ['other']);
    expect(codes([reviewsVs, other], [svc('reviews')])).toHaveLength(1);
    expect(codes([reviewsVs, reviewsDr(['v3'], 'default', ['.'])], [svc('reviews')])).toEqual([]);
  });

  it('IST0101: a missing gateway, found by name, namespace/name or legacy name.namespace', () => {
    const vs = (gateways: string[]): IstioResource => res('VirtualService', 'web', { hosts: ['a.com'], gateways, http: [{ route: [{ destination: { host: 'web' } }] }] });
    const gw = res('Gateway', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, 'edge');
    expect(codes([vs(['edge/gw'])], [svc('web')])).toEqual(['VirtualService/web IST0101 spec.gateways[0]: Referenced gateway not found: "edge/gw"']);
    expect(codes([vs(['edge/gw', 'gw.edge', 'mesh']), gw], [svc('web')])).toEqual([]);
  });

  it('ServiceEntry hosts resolve destinations, including wildcards, if visible', () => {
    const vs = res('VirtualService', 'ext', { hosts: ['api.example.com'], http: [{ route: [{ destination: { host: 'api.example.com' } }] }] });
    const se = (exportTo?: string[]): IstioResource => res('ServiceEntry', 'ext', { hosts: ['*.example.com'], resolution: 'NONE', ...(exportTo === undefined ? {} : { exportTo }) }, 'shared');
    expect(codes([vs, se()])).toEqual([]);
    expect(codes([vs, se(['.'])])).toEqual(['VirtualService/ext IST0101 spec.http[0].route[0].destination.host: Referenced host not found: "api.example.com"']);
  });

  it('IST0101: a destination port the Service does not expose', () => {
    const vs = (port: number): IstioResource => res('VirtualService', 'r', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r', port: { number: port } } }] }] });
    expect(codes([vs(9090)], [svc('r', [9080])])).toEqual(['VirtualService/r IST0101 spec.http[0].route[0].destination.port.number: Referenced host:port not found: "r:9090"']);
    expect(codes([vs(9080)], [svc('r', [9080])])).toEqual([]);
  });

  it('IST0112: a destination without port on a multi-port Service', () => {
    const vs = res('VirtualService', 'r', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r' } }] }] });
    expect(codes([vs], [svc('r', [80, 443])])).toEqual([
      'VirtualService/r IST0112 spec.http[0].route[0].destination: This VirtualService routes to a service "r.default.svc.cluster.local" that exposes multiple ports [80 443]. Specifying destination port is required to avoid ambiguity.',
    ]);
  });

  it('IST0109: two mesh VirtualServices for one host', () => {
    const a = res('VirtualService', 'a', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r' } }] }] });
    const b = res('VirtualService', 'b', { hosts: ['r.default.svc.cluster.local'], http: [{ route: [{ destination: { host: 'r' } }] }] });
    expect(codes([a, b], [svc('r')]).map((c) => c.slice(0, 36))).toEqual(['VirtualService/a IST0109 spec.hosts:', 'VirtualService/b IST0109 spec.hosts:']);
  });

  it('IST0132: no VirtualService host is served by the bound Gateway', () => {
    const gw = res('Gateway', 'gw', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['ns/a.com'] }] });
    const vs = (hosts: string[]): IstioResource => res('VirtualService', 'v', { hosts, gateways: ['gw'], http: [{ route: [{ destination: { host: 'r' } }] }] });
    expect(codes([gw, vs(['b.com'])], [svc('r')])).toEqual(['VirtualService/v IST0132 spec.gateways[0]: one or more host [b.com] defined in VirtualService default/v not found in Gateway default/gw.']);
    expect(codes([gw, vs(['a.com', 'b.com'])], [svc('r')])).toEqual([]);
  });

  it('IST0145: two Gateways for the same pods, port and host', () => {
    const gw = (name: string, hosts: string[], port = 80): IstioResource =>
      res('Gateway', name, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: port, name: 'http', protocol: 'HTTP' }, hosts }] });
    expect(codes([gw('a', ['shop.example.com', 'x.com']), gw('b', ['shop.example.com'])])).toEqual([
      'Gateway/a IST0145 spec.servers[0]: Conflict with gateways default/b (workload selector istio=ingressgateway, port 80, hosts shop.example.com,x.com).',
      'Gateway/b IST0145 spec.servers[0]: Conflict with gateways default/a (workload selector istio=ingressgateway, port 80, hosts shop.example.com).',
    ]);
    expect(codes([gw('a', ['*']), gw('b', ['b.com']), gw('c', ['*'], 8080)])).toEqual([]);
  });

  it('IST0138: two Gateways on the same pods with the same certificate', () => {
    const gw = (name: string, credentialName: string, host: string): IstioResource =>
      res('Gateway', name, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [host], tls: { mode: 'SIMPLE', credentialName } }] });
    expect(codes([gw('a', 'wildcard-cert', 'a.example.com'), gw('b', 'wildcard-cert', 'b.example.com')])).toEqual([
      'Gateway/a IST0138 spec.servers: Duplicate certificate in multiple gateways [default/a default/b] may cause 404s if clients re-use HTTP2 connections.',
      'Gateway/b IST0138 spec.servers: Duplicate certificate in multiple gateways [default/b default/a] may cause 404s if clients re-use HTTP2 connections.',
    ]);
    expect(codes([gw('a', 'cert-a', 'a.example.com'), gw('b', 'cert-b', 'b.example.com')])).toEqual([]);
  });

  it('IST0174 and IST0128 on DestinationRules', () => {
    const dr = res('DestinationRule', 'x', { host: 'x.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } });
    expect(codes([dr]).map((c) => c.split(':')[0])).toEqual(['DestinationRule/x IST0174 spec.host', 'DestinationRule/x IST0128 spec.trafficPolicy.tls']);
  });

  it.each([
    ['reviews', 'default', 'reviews.default.svc.cluster.local'],
    ['reviews.other', 'default', 'reviews.other'],
    ['*.example.com', 'default', '*.example.com'],
  ])('toFqdn(%s, %s)', (host, ns, fqdn) => {
    expect(toFqdn(host, ns, 'cluster.local')).toBe(fqdn);
  });

  it.each([
    [undefined, 'a', 'b', true], [['*'], 'a', 'b', true], [['.'], 'a', 'a', true], [['.'], 'a', 'b', false], [['b'], 'a', 'b', true], [['~'], 'a', 'a', false],
  ])('visibleFrom(%j, owner %s, from %s) is %s', (exportTo, owner, from, visible) => {
    expect(visibleFrom(exportTo, owner, from)).toBe(visible);
  });

  it.each([['gw', 'ns', 'ns/gw'], ['edge/gw', 'ns', 'edge/gw'], ['gw.edge', 'ns', 'edge/gw']])('gatewayKey(%s) in %s is %s', (ref, ns, key) => {
    expect(gatewayKey(ref, ns)).toBe(key);
  });
});
