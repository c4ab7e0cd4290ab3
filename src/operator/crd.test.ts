/**
 * Checks the CRD file without an API server: its shape (scope, names, columns, subresource), that
 * every sample this repo renders from is valid against its openAPIV3Schema (a subset validator:
 * types, required, enum, bounds, patterns, unknown fields), and that the schema is structural.
 * The CEL rules themselves are exercised by the e2e suite against a real API server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const crdPath = resolve(here, '../../crds/mesh.weft.dev_meshcontrolplanes.yaml');
const sharedInstall = resolve(here, '../../../shared/scenarios/install.yaml');

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  anyOf?: Schema[];
  default?: unknown;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

const crd = parse(readFileSync(crdPath, 'utf8')) as {
  spec: { scope: string; group: string; names: { kind: string; plural: string; shortNames: string[] }; versions: { name: string; subresources: { status?: object }; additionalPrinterColumns: { name: string; jsonPath: string }[]; schema: { openAPIV3Schema: Schema } }[] };
};
const version = crd.spec.versions[0];
if (version === undefined) throw new Error('CRD has no version');
const root = version.schema.openAPIV3Schema;

function typeOk(schema: Schema, value: unknown): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return typeof value === 'string' || Number.isInteger(value);
  const checks: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    array: (v) => Array.isArray(v),
    string: (v) => typeof v === 'string',
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
  };
  const check = schema.type === undefined ? undefined : checks[schema.type];
  return check === undefined ? true : check(value);
}

function validate(schema: Schema, value: unknown, path: string): string[] {
  if (!typeOk(schema, value)) return [`${path}: expected ${schema.type ?? 'int-or-string'}`];
  const errors: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above maximum`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match pattern`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: too long`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: too short`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: too many items`);
    value.forEach((v, i) => errors.push(...(schema.items ? validate(schema.items, v, `${path}[${i}]`) : [])));
  } else if (typeof value === 'object' && value !== null && schema.type === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}.${key}: required`);
    for (const [key, v] of Object.entries(record)) {
      const child = schema.properties?.[key] ?? schema.additionalProperties;
      if (child !== undefined) errors.push(...validate(child, v, `${path}.${key}`));
      else if (schema['x-kubernetes-preserve-unknown-fields'] !== true && path !== '.metadata') errors.push(`${path}.${key}: unknown field`);
    }
  }
  return errors;
}

/** Structural: every node has a type (or is int-or-string), no anyOf carries types beyond that. */
function structuralProblems(schema: Schema, path: string): string[] {
  const problems: string[] = [];
  if (schema.type === undefined && schema['x-kubernetes-int-or-string'] !== true) problems.push(`${path}: no type`);
  for (const [k, v] of Object.entries(schema.properties ?? {})) problems.push(...structuralProblems(v, `${path}.${k}`));
  if (schema.items) problems.push(...structuralProblems(schema.items, `${path}[]`));
  if (schema.additionalProperties) problems.push(...structuralProblems(schema.additionalProperties, `${path}{}`));
  if (schema.default !== undefined) problems.push(...validate(schema, schema.default, `${path}(default)`));
  return problems;
}

const readMcps = (file: string): unknown[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as { kind?: string } | null)
    .filter((d): d is { kind: string } => d?.kind === 'MeshControlPlane');

describe('MeshControlPlane CRD', () => {
  it('is cluster-scoped v1alpha1 with short name mcp and a status subresource', () => {
    expect(crd.spec.scope).toBe('Cluster');
    expect(crd.spec.group).toBe('mesh.weft.dev');
    expect(version.name).toBe('v1alpha1');
    expect(crd.spec.names.shortNames).toContain('mcp');
    expect(version.subresources.status).toEqual({});
  });

  it('prints REVISION, VERSION, READY, REASON and AGE by default', () => {
    const cols = version.additionalPrinterColumns.filter((c) => !('priority' in c)).map((c) => c.name.toUpperCase());
    expect(cols).toEqual(['REVISION', 'VERSION', 'READY', 'REASON', 'AGE']);
    const ready = version.additionalPrinterColumns.find((c) => c.name === 'Ready');
    expect(ready?.jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
  });

  it('has a structural schema whose defaults are valid', () => {
    expect(structuralProblems(root, '')).toEqual([]);
    expect(root.properties?.spec?.properties?.namespace?.default).toBe('weft-system');
  });

  it('declares CEL rules for cross-field checks', () => {
    const text = JSON.stringify(root);
    for (const fragment of ['gateway names must be unique', 'minReplicas must not exceed', 'nodePort needs service type', 'namespace is immutable']) {
      expect(text).toContain(fragment);
    }
  });

  const samples = readdirSync(join(here, 'testdata'))
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => join(here, 'testdata', f));
  it.each([...samples, ...(existsSync(sharedInstall) ? [sharedInstall] : [])])('accepts %s', (file) => {
    for (const mcp of readMcps(file)) expect(validate(root, mcp, '')).toEqual([]);
  });

  const base = { apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', metadata: { name: 'x' } };
  it.each([
    ['unknown field', { spec: { namspace: 'typo' } }, '.spec.namspace: unknown field'],
    ['bad outbound mode', { spec: { meshConfig: { outboundTrafficPolicy: { mode: 'DENY' } } } }, '.spec.meshConfig.outboundTrafficPolicy.mode: not in enum'],
    ['negative replicas', { spec: { components: { pilot: { replicas: -1 } } } }, '.spec.components.pilot.replicas: below minimum'],
    ['port out of range', { spec: { components: { ingressGateways: [{ name: 'gw', service: { ports: [{ name: 'p', port: 70000 }] } }] } } }, 'port: above maximum'],
    ['gateway without name', { spec: { components: { egressGateways: [{ enabled: true }] } } }, '.name: required'],
    ['bad namespace', { spec: { namespace: 'Bad_NS' } }, '.spec.namespace: does not match pattern'],
    ['bad quantity', { spec: { components: { pilot: { resources: { requests: { cpu: 'lots' } } } } } }, 'cpu: does not match pattern'],
  ])('refuses %s', (_n, extra, error) => {
    expect(validate(root, { ...base, ...extra }, '').join('\n')).toContain(error);
  });
});
