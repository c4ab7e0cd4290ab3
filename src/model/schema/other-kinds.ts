/** Schemas of Gateway, ServiceEntry, Sidecar and WorkloadEntry (istio.md §1.3–§1.5). */
import { arr, bool, enumOf, map, obj, str, uint32, type CelRule } from './dsl.ts';
import { connectionPool } from './destination-rule.ts';
import { destination, labelMap } from './virtual-service.ts';

const has = (self: unknown, key: string): boolean => typeof self === 'object' && self !== null && (self as Record<string, unknown>)[key] !== undefined;

const exclusive = (a: string, b: string): CelRule => ({
  rule: `!(has(self.${a}) && has(self.${b}))`,
  message: `only one of ${a} or ${b} can be set`,
  check: (self) => !(has(self, a) && has(self, b)),
});

export const port = obj({ number: uint32(), protocol: str(), name: str(), targetPort: uint32() });

export const serverTls = obj(
  {
    httpsRedirect: bool(),
    mode: enumOf(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']),
    serverCertificate: str(),
    privateKey: str(),
    caCertificates: str(),
    caCrl: str(),
    credentialName: str(),
    credentialNames: arr(str(), { minItems: 1, maxItems: 2 }),
    caCertCredentialName: str(),
    tlsCertificates: arr(obj({ serverCertificate: str(), privateKey: str(), caCertificates: str() }), { minItems: 1, maxItems: 2 }),
    subjectAltNames: arr(str()),
    verifyCertificateSpki: arr(str()),
    verifyCertificateHash: arr(str()),
    minProtocolVersion: enumOf(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']),
    maxProtocolVersion: enumOf(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']),
    cipherSuites: arr(str()),
    insecureSkipVerify: bool(),
  },
  { cel: [exclusive('credentialName', 'credentialNames'), exclusive('credentialNames', 'tlsCertificates')] },
);

export const gatewaySpec = obj(
  {
    servers: arr(
      obj({ port, bind: str(), hosts: arr(str()), tls: serverTls, defaultEndpoint: str(), name: str() }),
      { description: 'Servers (ports, protocols, hosts) the gateway exposes.' },
    ),
    selector: map(str(), { description: 'Labels of the gateway pods.' }),
  },
  { description: 'A load balancer at the edge of the mesh.' },
);

export const workloadEntrySpec = obj(
  {
    address: str(),
    ports: map(uint32()),
    labels: labelMap,
    network: str(),
    locality: str(),
    weight: uint32(),
    serviceAccount: str(),
  },
  { description: 'A non-Kubernetes workload (VM or bare-metal host).' },
);

const hasEndpoints = (self: unknown): boolean =>
  has(self, 'endpoints') && Array.isArray((self as Record<string, unknown>).endpoints) && ((self as Record<string, unknown[]>).endpoints?.length ?? 0) > 0;
const resolution = (self: unknown): unknown => (has(self, 'resolution') ? (self as Record<string, unknown>).resolution : 'NONE');

export const serviceEntrySpec = obj(
  {
    hosts: arr(
      str({
        cel: [{ rule: "self != '*'", message: 'hostname cannot be wildcard', check: (s) => s !== '*' }],
      }),
      { maxItems: 256 },
    ),
    addresses: arr(str(), { maxItems: 256 }),
    ports: arr(port, { maxItems: 256 }),
    location: enumOf(['MESH_EXTERNAL', 'MESH_INTERNAL']),
    resolution: enumOf(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']),
    endpoints: arr(workloadEntrySpec, { maxItems: 4096 }),
    workloadSelector: obj({ labels: labelMap }),
    exportTo: arr(str()),
    subjectAltNames: arr(str()),
  },
  {
    description: 'Adds entries to the service registry.',
    cel: [
      {
        rule: "!((!has(self.resolution) || self.resolution == 'NONE') && has(self.endpoints) && size(self.endpoints) > 0)",
        message: 'NONE mode cannot set endpoints',
        check: (self) => !(resolution(self) === 'NONE' && hasEndpoints(self)),
      },
      {
        rule: "!(has(self.resolution) && self.resolution == 'DNS_ROUND_ROBIN' && has(self.endpoints) && size(self.endpoints) > 1)",
        message: 'DNS_ROUND_ROBIN mode cannot have multiple endpoints',
        check: (self) => !(resolution(self) === 'DNS_ROUND_ROBIN' && hasEndpoints(self) && ((self as Record<string, unknown[]>).endpoints?.length ?? 0) > 1),
      },
      {
        rule: '!(has(self.workloadSelector) && has(self.endpoints))',
        message: 'only one of WorkloadSelector or Endpoints can be set',
        check: (self) => !(has(self, 'workloadSelector') && has(self, 'endpoints')),
      },
    ],
  },
);

const captureMode = enumOf(['DEFAULT', 'IPTABLES', 'NONE']);

export const sidecarSpec = obj(
  {
    workloadSelector: obj({ labels: labelMap }),
    ingress: arr(obj({ port, bind: str(), captureMode, defaultEndpoint: str(), tls: serverTls, connectionPool })),
    egress: arr(obj({ port, bind: str(), captureMode, hosts: arr(str()) })),
    inboundConnectionPool: connectionPool,
    outboundTrafficPolicy: obj({ mode: enumOf(['REGISTRY_ONLY', 'ALLOW_ANY', 'ALLOW_ANY_DYNAMIC_DNS']), egressProxy: destination }),
  },
  { description: 'Limits and shapes the configuration a sidecar proxy receives.' },
);
