/** `ValidateServiceEntry` and `ValidateWorkloadEntry` (istio.md §2.2, ServiceEntry). */
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import {
  checkExportTo, checkLabels, isHttpProtocol, isIPAddress, isTlsProtocol, validateFQDN, validateIPSubnet, validatePort, validatePortName, validateProtocol, validateWildcardDomain,
} from './common.ts';

type Endpoint = NonNullable<ServiceEntrySpec['endpoints']>[number];

function checkHosts(report: Report, spec: ServiceEntrySpec): void {
  const hosts = spec.hosts ?? [];
  if (hosts.length === 0) report.error('spec.hosts', 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    const p = at('spec.hosts', i);
    if (h === '*') {
      report.error(p, `invalid host ${h}`);
      return;
    }
    const err = validateWildcardDomain(h);
    if (err !== undefined) report.error(p, err);
    if (spec.resolution !== 'DYNAMIC_DNS' && h.startsWith('*') && h.length > 1 && h[1] !== '.') report.warn(p, `partial wildcard ${JSON.stringify(h)} not allowed`, 'IST0133');
  });
}

function checkPorts(report: Report, spec: ServiceEntrySpec): Set<string> {
  const names = new Set<string>();
  const numbers = new Set<number>();
  (spec.ports ?? []).forEach((port, i) => {
    const p = at('spec.ports', i);
    const name = port.name ?? '';
    if (names.has(name)) report.error(field(p, 'name'), `service entry port name ${JSON.stringify(name)} already defined`);
    names.add(name);
    const number = port.number ?? 0;
    if (numbers.has(number)) report.error(field(p, 'number'), `service entry port ${number} already defined`);
    numbers.add(number);
    if ((port.targetPort ?? 0) !== 0) {
      const err = validatePort(port.targetPort ?? 0);
      if (err !== undefined) report.error(field(p, 'targetPort'), err);
    }
    const protocol = port.protocol ?? '';
    if ((spec.addresses?.length ?? 0) === 0 && (protocol === '' || protocol.toUpperCase() === 'TCP')) {
      report.warn(p, 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled', 'IST0134');
    }
    for (const [sub, err] of [['name', validatePortName(port.name)], ['protocol', validateProtocol(port.protocol)], ['number', validatePort(number)]] as const) {
      if (err !== undefined) report.error(field(p, sub), err);
    }
  });
  return names;
}

function checkEndpointPorts(report: Report, path: string, ep: Endpoint, portNames: ReadonlySet<string>): void {
  for (const [name, port] of Object.entries(ep.ports ?? {})) {
    const p = field(field(path, 'ports'), name);
    if (!portNames.has(name)) report.error(p, `endpoint port ${port} is not defined by the service entry`);
    const nameErr = validatePortName(name);
    if (nameErr !== undefined) report.error(p, nameErr);
    const portErr = validatePort(port);
    if (portErr !== undefined) report.error(p, portErr);
  }
  checkLabels(report, field(path, 'labels'), ep.labels);
}

function checkStaticEndpoint(report: Report, path: string, ep: Endpoint, spec: ServiceEntrySpec): void {
  const address = ep.address ?? '';
  if (isIPAddress(address)) return;
  if (!address.startsWith('unix://')) {
    report.error(field(path, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid IP address`);
    return;
  }
  if (Object.keys(ep.ports ?? {}).length > 0) report.error(field(path, 'address'), `unix endpoint ${address} must not include ports`);
  if ((spec.ports?.length ?? 0) !== 1) report.error(field(path, 'address'), 'exactly 1 service port required for unix endpoints');
  const sock = address.slice('unix://'.length);
  if (!sock.startsWith('/') && !sock.startsWith('@')) report.error(field(path, 'address'), `${address} is not an absolute path to a file system path or abstract socket`);
}

function checkResolution(report: Report, spec: ServiceEntrySpec, portNames: ReadonlySet<string>): void {
  const resolution = spec.resolution ?? 'NONE';
  const endpoints = spec.endpoints ?? [];
  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) report.error('spec.endpoints', 'no endpoints should be provided for resolution type none');
      return;
    case 'STATIC':
      endpoints.forEach((ep, i) => {
        checkStaticEndpoint(report, at('spec.endpoints', i), ep, spec);
        checkEndpointPorts(report, at('spec.endpoints', i), ep, portNames);
      });
      return;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        (spec.hosts ?? []).forEach((h, i) => {
          if (validateFQDN(h.replace(/^\*\./, '')) !== undefined) {
            report.error(at('spec.hosts', i), `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}`);
          }
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) report.error('spec.endpoints', 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN');
      endpoints.forEach((ep, i) => {
        const address = ep.address ?? '';
        if (!isIPAddress(address) && validateFQDN(address) !== undefined) {
          report.error(field(at('spec.endpoints', i), 'address'), `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`);
        }
        checkEndpointPorts(report, at('spec.endpoints', i), ep, portNames);
      });
      return;
    case 'DYNAMIC_DNS':
      checkDynamicDns(report, spec);
  }
}

function checkDynamicDns(report: Report, spec: ServiceEntrySpec): void {
  (spec.hosts ?? []).forEach((h, i) => {
    if (!h.startsWith('*')) report.error(at('spec.hosts', i), 'host must be wildcarded for resolution mode DYNAMIC_DNS');
  });
  if ((spec.addresses?.length ?? 0) > 0) report.error('spec.addresses', 'addresses cannot be set for resolution type DYNAMIC_DNS');
  if ((spec.endpoints?.length ?? 0) > 0) report.error('spec.endpoints', 'endpoints cannot be set for resolution type DYNAMIC_DNS');
  (spec.ports ?? []).forEach((port, i) => {
    const protocol = (port.protocol ?? '').toUpperCase();
    if (!['HTTP', 'TLS', 'GRPC', 'HTTP2'].includes(protocol)) report.error(field(at('spec.ports', i), 'protocol'), 'only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS');
  });
}

export function checkServiceEntry(report: Report, namespace: string, spec: ServiceEntrySpec): void {
  checkHosts(report, spec);
  const cidr = (spec.addresses ?? []).some((a) => a.includes('/'));
  (spec.addresses ?? []).forEach((a, i) => {
    const err = validateIPSubnet(a);
    if (err !== undefined) report.error(at('spec.addresses', i), `${a} is not a valid CIDR block`);
  });
  const resolution = spec.resolution ?? 'NONE';
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') report.error('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  const portNames = checkPorts(report, spec);
  if (spec.workloadSelector !== undefined && spec.endpoints !== undefined) report.error('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  checkLabels(report, 'spec.workloadSelector.labels', spec.workloadSelector?.labels);
  checkResolution(report, spec, portNames);
  if (resolution !== 'NONE' && (spec.hosts?.length ?? 0) > 1) {
    const differentiable = (spec.ports ?? []).every((p) => isHttpProtocol(p.protocol ?? '') || isTlsProtocol(p.protocol ?? ''));
    if (!differentiable) report.error('spec', 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  checkExportTo(report, 'spec.exportTo', namespace, spec.exportTo, true);
}

export function checkWorkloadEntry(report: Report, spec: WorkloadEntrySpec): void {
  const address = spec.address ?? '';
  if (address === '' && (spec.network ?? '') === '') report.error('spec.address', 'address is required');
  if (address.startsWith('unix://')) {
    if (Object.keys(spec.ports ?? {}).length > 0) report.error('spec.ports', 'UDS may not include ports');
  } else if (address !== '' && !isIPAddress(address) && validateFQDN(address) !== undefined) {
    report.error('spec.address', `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`);
  }
  for (const [name, port] of Object.entries(spec.ports ?? {})) {
    const nameErr = validatePortName(name);
    if (nameErr !== undefined) report.error(field('spec.ports', name), nameErr);
    const portErr = validatePort(port);
    if (portErr !== undefined) report.error(field('spec.ports', name), portErr);
  }
  checkLabels(report, 'spec.labels', spec.labels);
}
