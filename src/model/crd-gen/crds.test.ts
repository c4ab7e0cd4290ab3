import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ISTIO_KINDS, isIstioKind } from '../kinds.ts';
import { checkValue } from '../schema/check.ts';
import { createReport } from '../validated.ts';
import { CRD_DIR, renderCrds } from './crds.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The project's scenarios live beside the repository (`../shared/scenarios`). */
const SCENARIOS = join(ROOT, '../shared/scenarios');

type Node = Readonly<Record<string, unknown>>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems that make an OpenAPI schema non-structural (Kubernetes "Specifying a structural schema"). */
function structuralProblems(node: Node, path: string): string[] {
  if (node['x-kubernetes-preserve-unknown-fields'] === true && node.properties === undefined) return [];
  const problems: string[] = [];
  if (typeof node.type !== 'string') problems.push(`${path}: no type`);
  for (const banned of ['$ref', 'oneOf', 'anyOf', 'allOf', 'not', 'nullable']) if (banned in node) problems.push(`${path}: uses ${banned}`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) problems.push(`${path}: properties and additionalProperties`);
  if (isNode(node.properties)) for (const [k, v] of Object.entries(node.properties)) problems.push(...(isNode(v) ? structuralProblems(v, `${path}.${k}`) : [`${path}.${k}: not a schema`]));
  if (isNode(node.additionalProperties)) problems.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  if (node.type === 'array') problems.push(...(isNode(node.items) ? structuralProblems(node.items, `${path}[]`) : [`${path}: array without items`]));
  return problems;
}

/** A minimal OpenAPI validator over the committed YAML: types, enums and unknown fields. */
function openApiErrors(schema: Node, value: unknown, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  const type = schema.type;
  if (type === 'string') return typeof value === 'string' && (!Array.isArray(schema.enum) || schema.enum.includes(value)) ? [] : [`${path}: bad string`];
  if (type === 'integer') return Number.isInteger(value) ? [] : [`${path}: not an integer`];
  if (type === 'number') return typeof value === 'number' ? [] : [`${path}: not a number`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
  if (type === 'array') return Array.isArray(value) && isNode(schema.items) ? value.flatMap((v: unknown, i) => openApiErrors(schema.items as Node, v, `${path}[${i}]`)) : [`${path}: not an array`];
  if (!isNode(value)) return [`${path}: not an object`];
  return Object.entries(value).flatMap(([k, v]) => {
    const sub = isNode(schema.properties) ? schema.properties[k] : schema.additionalProperties;
    return isNode(sub) ? openApiErrors(sub, v, `${path}.${k}`) : [`${path}.${k}: unknown field`];
  });
}

const committed = (name: string): string => readFileSync(join(ROOT, CRD_DIR, name), 'utf8');
const crds = [...renderCrds()].map(([name, text]) => ({ name, text, crd: parse(text) as Node }));

function scenarioObjects(): { file: string; object: Node }[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(SCENARIOS, file), 'utf8')).map((d) => ({ file, object: d.toJS() as unknown })))
    .filter((x): x is { file: string; object: Node } => isNode(x.object) && isIstioKind(x.object.kind));
}

function versionsOf(crd: Node): Node[] {
  const spec = crd.spec as Node;
  return spec.versions as Node[];
}

describe('generated CRDs', () => {
  it.each(crds)('$name is up to date (run node src/model/crd-gen/write.ts)', ({ name, text }) => {
    expect(committed(name)).toBe(text);
  });

  it.each(crds)('$name serves v1 (storage), v1beta1 and v1alpha3 with one schema and a status subresource', ({ crd }) => {
    const versions = versionsOf(crd);
    expect(versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v1', true, true], ['v1beta1', true, false], ['v1alpha3', true, false]]);
    for (const v of versions) {
      expect(v.schema).toEqual(versions[0]?.schema);
      expect(v.subresources).toEqual({ status: {} });
      expect((v.additionalPrinterColumns as Node[]).map((c) => c.name)).toContain('Accepted');
    }
  });

  it.each(crds)('$name has a structural schema', ({ crd }) => {
    const schema = (versionsOf(crd)[0]?.schema as Node).openAPIV3Schema as Node;
    expect(structuralProblems(schema, '')).toEqual([]);
  });

  it('the scenarios contain objects of the Istio kinds', () => {
    expect(scenarioObjects().length).toBeGreaterThanOrEqual(10);
  });

  it.each(scenarioObjects())('$file: $object.kind $object.metadata.name is accepted by the CRD schema and its CEL rules', ({ object }) => {
    const kind = object.kind as keyof typeof ISTIO_KINDS;
    const crd = crds.find((c) => (c.crd.spec as Node & { names: Node }).names.kind === kind)?.crd;
    const schema = ((crd === undefined ? {} : versionsOf(crd)[0]?.schema) as Node).openAPIV3Schema as Node;
    expect(openApiErrors(schema, { spec: object.spec }, '')).toEqual([]);
    const report = createReport();
    checkValue(ISTIO_KINDS[kind].spec, object.spec, 'spec', report, { cel: true });
    expect(report.errors).toEqual([]);
  });

  it.each([
    ['VirtualService', { hosts: ['a'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'a' } }] }] }, 'Invalid value: must be a valid duration greater than 1ms'],
    ['VirtualService', { hosts: ['a'], http: [{ match: [{ uri: { exact: '/', prefix: '/' } }], route: [{ destination: { host: 'a' } }] }] }, 'only one of [exact, prefix, regex] may be set'],
    ['DestinationRule', { host: 'a', trafficPolicy: { connectionPool: { tcp: { idleTimeout: '-1s' } } } }, 'Invalid value: must be a valid duration'],
    ['ServiceEntry', { hosts: ['*'] }, 'Invalid value: hostname cannot be wildcard'],
    ['ServiceEntry', { hosts: ['a.com'], endpoints: [{ address: '1.2.3.4' }] }, 'Invalid value: NONE mode cannot set endpoints'],
    ['ServiceEntry', { hosts: ['a.com'], resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.com' }, { address: 'b.com' }] }, 'Invalid value: DNS_ROUND_ROBIN mode cannot have multiple endpoints'],
    ['ServiceEntry', { hosts: ['a.com'], resolution: 'STATIC', workloadSelector: { labels: { a: 'b' } }, endpoints: [] }, 'Invalid value: only one of WorkloadSelector or Endpoints can be set'],
    ['Gateway', { servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] } }] }, 'Invalid value: only one of credentialName or credentialNames can be set'],
    ['Gateway', { servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialNames: ['a', 'b', 'c'] } }] }, 'Too many: 3: must have at most 2 items'],
  ])('%s: the CRD rule (CEL twin) rejects %j', (kind, spec, message) => {
    const report = createReport();
    checkValue(ISTIO_KINDS[kind as keyof typeof ISTIO_KINDS].spec, spec, 'spec', report, { cel: true });
    expect(report.errors.map((e) => e.message)).toContain(message.startsWith('only one of [') ? `${message}, found exact, prefix` : message);
  });

  it('the OpenAPI validator used above rejects what the API server would', () => {
    const schema = (((crds.find((c) => c.name === 'virtualservices.yaml')?.crd ?? {}) as Node & { spec: { versions: Node[] } }).spec.versions[0]?.schema as Node).openAPIV3Schema as Node;
    expect(openApiErrors(schema, { spec: { hosts: 'a', typo: 1 } }, '')).toEqual(['.spec.hosts: not an array', '.spec.typo: unknown field']);
  });
});
