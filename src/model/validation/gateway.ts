/** `ValidateGateway` (istio.md §2.2, Gateway) and the host/TLS helpers Sidecar shares. */
import type { GatewaySpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { isDns1123Label, isHttpProtocol, isIPAddress, isKnownProtocol, isTlsProtocol, validatePartialWildcard, validatePort, validateUnixAddress, validateWildcardDomain } from './common.ts';

type Server = NonNullable<GatewaySpec['servers']>[number];
type ServerTls = NonNullable<Server['tls']>;
type Port = NonNullable<Server['port']>;

const set = (s: string | undefined): boolean => s !== undefined && s !== '';

/** `validateSidecarOrGatewayHostnamePart`. Gateways also accept IPs; sidecars report a bad name twice, as Istio does. */
function checkHostnamePart(report: Report, path: string, host: string, isGateway: boolean): void {
  if (host !== '*' && !host.includes('.')) report.error(path, 'short names (non FQDN) are not allowed');
  const err = validateWildcardDomain(host);
  if (err !== undefined) {
    if (!isGateway) report.error(path, err);
    if (!isIPAddress(host)) report.error(path, err);
  }
  const partial = validatePartialWildcard(host);
  if (partial !== undefined) report.error(path, partial);
}

/** `[namespace/]dnsName` entries of Gateway servers and Sidecar egress listeners. */
export function checkNamespacedHost(report: Report, path: string, host: string, isGateway: boolean): void {
  const slash = host.indexOf('/');
  if (slash === -1) {
    if (isGateway) checkHostnamePart(report, path, host, true);
    else report.error(path, 'host must be of form namespace/dnsName');
    return;
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns === '' || name === '') report.error(path, 'config namespace and dnsName in host entry cannot be empty');
  const special = isGateway ? ['*', '.'] : ['*', '.', '~'];
  if (ns !== '' && !special.includes(ns) && !isDns1123Label(ns)) report.error(path, `invalid namespace value ${JSON.stringify(ns)} in ${isGateway ? 'gateway' : 'sidecar'}`);
  checkHostnamePart(report, path, name, isGateway);
}

function checkIstioMutual(report: Report, path: string, tls: ServerTls): void {
  const what: [boolean, string][] = [
    [set(tls.serverCertificate), 'server certificate'],
    [set(tls.privateKey), 'private key'],
    [set(tls.caCertificates), 'CA bundle'],
    [(tls.tlsCertificates?.length ?? 0) > 0, 'tlsCertificates'],
    [set(tls.credentialName), 'credentialName'],
    [(tls.credentialNames?.length ?? 0) > 0, 'credentialNames'],
  ];
  for (const [present, name] of what) if (present) report.error(path, `ISTIO_MUTUAL TLS cannot have associated ${name}`);
}

function tlsWarnings(report: Report, path: string, tls: ServerTls): void {
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && (tls.cipherSuites?.length ?? 0) === 0) {
    report.warn(path, 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.', 'IST0133');
  }
  const suites = tls.cipherSuites ?? [];
  const duplicates = [...new Set(suites.filter((c, i) => suites.indexOf(c) !== i))].sort();
  if (duplicates.length > 0) report.warn(field(path, 'cipherSuites'), `ignoring duplicate cipher suites: [${duplicates.join(' ')}]`, 'IST0133');
}

/** `validateTLSOptions` for server TLS. */
export function checkServerTls(report: Report, path: string, tls: ServerTls): void {
  tlsWarnings(report, path, tls);
  if (tls.mode === 'ISTIO_MUTUAL') {
    checkIstioMutual(report, path, tls);
    return;
  }
  const names = (tls.credentialNames?.length ?? 0) > 0;
  const certs = (tls.tlsCertificates?.length ?? 0) > 0;
  const passthrough = tls.mode === undefined || tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH';
  if (passthrough && (set(tls.caCrl) || set(tls.serverCertificate) || set(tls.privateKey) || set(tls.caCertificates) || certs || set(tls.credentialName) || names)) {
    report.warn(path, `${tls.mode ?? 'PASSTHROUGH'} mode does not use certificates, they will be ignored`, 'IST0133');
  }
  const sources = [set(tls.serverCertificate) && set(tls.privateKey), set(tls.credentialName), names, certs].filter(Boolean).length;
  if (sources > 1) report.error(path, 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  const mutual = tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  if ((tls.mode === 'SIMPLE' || mutual) && (set(tls.credentialName) || names)) return;
  if (tls.mode === 'SIMPLE' || mutual) {
    const prefix = mutual ? 'MUTUAL TLS' : 'SIMPLE TLS';
    if (mutual && !set(tls.caCertificates)) report.error(field(path, 'caCertificates'), `${prefix} requires a client CA bundle`);
    const toVerify = certs ? (tls.tlsCertificates ?? []) : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
    for (const cert of toVerify) {
      if (!set(cert.serverCertificate)) report.error(field(path, 'serverCertificate'), `${prefix} requires a server certificate`);
      if (!set(cert.privateKey)) report.error(field(path, 'privateKey'), `${prefix} requires a private key`);
    }
  }
  if (set(tls.caCrl)) {
    if (set(tls.credentialName)) report.error(field(path, 'caCrl'), 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (tls.mode === 'SIMPLE') report.error(field(path, 'caCrl'), 'CRL is not supported with SIMPLE TLS');
  }
}

function checkServerPort(report: Report, path: string, port: Port | undefined, bind: string): boolean {
  if (port === undefined) {
    report.error(path, 'port is required');
    return false;
  }
  let ok = true;
  const protocol = port.protocol ?? '';
  if (!isKnownProtocol(protocol)) {
    report.error(field(path, 'protocol'), `invalid protocol ${JSON.stringify(protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
    ok = false;
  }
  const number = port.number ?? 0;
  if (number > 0 || !bind.startsWith('unix://')) {
    const err = validatePort(number);
    if (err !== undefined) report.error(field(path, 'number'), err);
  }
  if ((port.targetPort ?? 0) > 0) report.error(field(path, 'targetPort'), 'targetPort has no impact on Gateways');
  if ((port.name ?? '') === '') report.error(field(path, 'name'), `port name must be set: ${JSON.stringify(port)}`);
  return ok;
}

function checkBind(report: Report, path: string, port: Port | undefined, bind: string): void {
  if (bind.startsWith('unix://')) {
    const err = validateUnixAddress(bind.slice('unix://'.length));
    if (err !== undefined) report.error(path, err);
    if (port !== undefined && (port.number ?? 0) !== 0) report.error(path, `port number must be 0 for unix domain socket: ${JSON.stringify(port)}`);
  } else if (bind !== '' && !isIPAddress(bind)) report.error(path, `${bind} is not a valid IP`);
}

function checkServer(report: Report, path: string, server: Server): void {
  const hosts = server.hosts ?? [];
  if (hosts.length === 0) report.error(field(path, 'hosts'), 'server config must contain at least one host');
  hosts.forEach((h, i) => { checkNamespacedHost(report, at(field(path, 'hosts'), i), h, true); });
  const bind = server.bind ?? '';
  const portOk = checkServerPort(report, field(path, 'port'), server.port, bind);
  checkBind(report, field(path, 'bind'), server.port, bind);
  if (server.tls !== undefined) checkServerTls(report, field(path, 'tls'), server.tls);
  if (!portOk || server.port === undefined) return;
  const protocol = server.port.protocol ?? '';
  if (isTlsProtocol(protocol) && server.tls === undefined) report.error(path, 'server must have TLS settings for HTTPS/TLS protocols');
  else if (!isTlsProtocol(protocol) && server.tls !== undefined) {
    const t = server.tls;
    const passthrough = t.mode === undefined || t.mode === 'PASSTHROUGH' || t.mode === 'AUTO_PASSTHROUGH';
    if (!isHttpProtocol(protocol)) report.error(field(path, 'tls'), 'server cannot have TLS settings for non HTTPS/TLS ports');
    else if (!passthrough || set(t.caCertificates) || set(t.privateKey) || set(t.serverCertificate)) {
      report.error(field(path, 'tls'), 'server cannot have TLS settings for plain text HTTP ports');
    }
  }
}

export function checkGateway(report: Report, name: string, spec: GatewaySpec): void {
  if (!isDns1123Label(name)) report.error('metadata.name', `invalid gateway name: ${JSON.stringify(name)}`);
  const servers = spec.servers ?? [];
  if (servers.length === 0) report.error('spec.servers', 'gateway must have at least one server');
  servers.forEach((s, i) => { checkServer(report, at('spec.servers', i), s); });
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    if (s.port === undefined) return;
    const portName = s.port.name ?? '';
    if (portNames.has(portName)) report.error(field(field(at('spec.servers', i), 'port'), 'name'), `port names in servers must be unique: duplicate name ${portName}`);
    portNames.add(portName);
    if (!isHttpProtocol(s.port.protocol ?? '') && s.tls?.httpsRedirect === true) {
      report.warn(field(at('spec.servers', i), 'tls'), 'tls.httpsRedirect should only be used with http servers', 'IST0133');
    }
  });
}
