/** `ValidateServiceEntry` and `ValidateWorkloadEntry` (istio.md §2.2, ServiceEntry). */
import type { ServiceEntrySpec, WorkloadEntrySpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import {
  checkExportTo,
  checkLabels,
  checkSelectorLabels,
  isHttpProtocol,
  isIPAddress,
  isKnownProtocol,
  isTlsProtocol,
  validateFQDN,
  validateIPSubnet,
  validatePartialWildcard,
  validatePort,
  validatePortName,
  validateProtocol,
  validateUnixAddress,
  validateWildcardDomain,
} from './common.ts';

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
    const partial = validatePartialWildcard(h);
    if (partial !== undefined && spec.resolution !== 'DYNAMIC_DNS') report.warn(p, partial, 'IST0133');
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
    if ((spec.addresses?.length ?? 0) === 0 && (protocol === '' || protocol === 'TCP')) {
      report.warn(p, 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled', 'IST0134');
    }
    for (const [sub, err] of [['name', validatePortName(port.name)], ['protocol', validateProtocol(port.protocol)], ['number', validatePort(number)]] as const) {
      if (err !== undefined) report.error(field(p, sub), err);
    }
  });
  return names;
}

function checkEndpointPorts(report: Report, path: string, ep: WorkloadEntrySpec, portNames: ReadonlySet<string> | undefined): void {
  for (const [name, port] of Object.entries(ep.ports ?? {})) {
    const p = field(field(path, 'ports'), name);
    if (portNames !== undefined && !portNames.has(name)) report.error(p, `endpoint port ${port} is not defined by the service entry`);
    const nameErr = validatePortName(name);
    if (nameErr !== undefined) report.error(p, nameErr);
    const portErr = validatePort(port);
    if (portErr !== undefined) report.error(p, portErr);
  }
  checkLabels(report, field(path, 'labels'), ep.labels);
}

/**
 * `validateWorkloadEntry`: a STATIC endpoint of a ServiceEntry (with its port names, IPs only) or a
 * WorkloadEntry (no port names, FQDN addresses allowed).
 */
function checkWorkloadEntrySpec(report: Report, path: string, we: WorkloadEntrySpec, servicePorts: ReadonlySet<string> | undefined, allowFqdn: boolean): void {
  const address = we.address ?? '';
  if (address === '') {
    if ((we.network ?? '') === '') {
      report.error(field(path, 'address'), 'address is required');
      return;
    }
    report.warn(field(path, 'address'), `address is unset with network ${JSON.stringify(we.network)}`, 'IST0133');
  }
  const unix = address.startsWith('unix://');
  if (unix) {
    const err = validateUnixAddress(address.slice('unix://'.length));
    if (err !== undefined) report.error(field(path, 'address'), err);
    if (Object.keys(we.ports ?? {}).length > 0) report.error(field(path, 'ports'), `unix endpoint ${address} must not include ports`);
  } else if (address !== '' && !isIPAddress(address)) {
    if (!allowFqdn) report.error(field(path, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid IP address`);
    else if (validateFQDN(address) !== undefined) report.error(field(path, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`);
  }
  checkEndpointPorts(report, path, we, servicePorts);
  if (unix && servicePorts !== undefined && servicePorts.size !== 1) report.error(field(path, 'address'), 'exactly 1 service port required for unix endpoints');
}

function checkDnsTcpHosts(report: Report, spec: ServiceEntrySpec): void {
  if ((spec.addresses?.length ?? 0) === 0 || (spec.hosts?.length ?? 0) <= 1) return;
  if ((spec.ports ?? []).some((p) => isKnownProtocol(p.protocol ?? '') && (p.protocol ?? '').toUpperCase() !== 'UDP')) {
    report.warn('spec', 'service entry can not have more than one host specified simultaneously with address and tcp port', 'IST0133');
  }
}

function checkDns(report: Report, spec: ServiceEntrySpec, portNames: ReadonlySet<string>): void {
  const resolution = spec.resolution ?? 'NONE';
  const endpoints = spec.endpoints ?? [];
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
  checkDnsTcpHosts(report, spec);
}

function checkDynamicDns(report: Report, spec: ServiceEntrySpec): void {
  (spec.hosts ?? []).forEach((h, i) => {
    if (!h.startsWith('*')) report.error(at('spec.hosts', i), 'host must be wildcarded for resolution mode DYNAMIC_DNS');
  });
  if ((spec.addresses?.length ?? 0) > 0) report.error('spec.addresses', 'addresses cannot be set for resolution type DYNAMIC_DNS');
  if ((spec.endpoints?.length ?? 0) > 0) report.error('spec.endpoints', 'endpoints cannot be set for resolution type DYNAMIC_DNS');
  (spec.ports ?? []).forEach((port, i) => {
    const protocol = (port.protocol ?? '').toUpperCase();
    if (!['HTTP', 'TLS', 'GRPC', 'HTTP2'].includes(protocol)) {
      report.error(field(at('spec.ports', i), 'protocol'), 'only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS');
    }
  });
}

function checkResolution(report: Report, spec: ServiceEntrySpec, portNames: ReadonlySet<string>): void {
  const endpoints = spec.endpoints ?? [];
  switch (spec.resolution ?? 'NONE') {
    case 'NONE':
      if (endpoints.length > 0) report.error('spec.endpoints', 'no endpoints should be provided for resolution type none');
      if (spec.workloadSelector !== undefined) report.warn('spec.workloadSelector', 'workloadSelector should not be set when resolution mode is NONE', 'IST0133');
      return;
    case 'STATIC':
      endpoints.forEach((ep, i) => { checkWorkloadEntrySpec(report, at('spec.endpoints', i), ep, portNames, false); });
      return;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      checkDns(report, spec, portNames);
      return;
    case 'DYNAMIC_DNS':
      checkDynamicDns(report, spec);
  }
}

/** Returns false when the selector is invalid: Istio then reports only that. */
function checkSelector(report: Report, spec: ServiceEntrySpec): boolean {
  const selector = spec.workloadSelector;
  if (selector === undefined) return true;
  if (!checkSelectorLabels(report, 'spec.workloadSelector.labels', selector.labels ?? {})) return false;
  if (Object.keys(selector.labels ?? {}).length === 0) {
    report.warn('spec.workloadSelector', 'service entry: workload selector specified without labels, will be applied to all services in namespace', 'IST0133');
  }
  return true;
}

export function checkServiceEntry(report: Report, namespace: string, spec: ServiceEntrySpec): void {
  if (!checkSelector(report, spec)) return;
  if (spec.workloadSelector !== undefined && spec.endpoints !== undefined) report.error('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  checkHosts(report, spec);
  const addresses = spec.addresses ?? [];
  addresses.forEach((a, i) => {
    const err = validateIPSubnet(a);
    if (err !== undefined) report.error(at('spec.addresses', i), err);
  });
  const resolution = spec.resolution ?? 'NONE';
  if (addresses.some((a) => a.includes('/')) && resolution !== 'NONE' && resolution !== 'STATIC') {
    report.error('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  }
  const portNames = checkPorts(report, spec);
  checkResolution(report, spec, portNames);
  if (resolution !== 'NONE' && (spec.hosts?.length ?? 0) > 1) {
    const differentiable = (spec.ports ?? []).every((p) => isHttpProtocol(p.protocol ?? '') || isTlsProtocol(p.protocol ?? ''));
    if (!differentiable) report.error('spec', 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  checkExportTo(report, 'spec.exportTo', namespace, spec.exportTo, true);
}

export function checkWorkloadEntry(report: Report, spec: WorkloadEntrySpec): void {
  checkWorkloadEntrySpec(report, 'spec', spec, undefined, true);
}
