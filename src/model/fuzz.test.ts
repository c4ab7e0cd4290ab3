/**
 * Property tests with a fixed seed: random and malformed objects never make the validator, the
 * analysis or the `weft validate` pipeline throw, and the outcome is always a well-formed union.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderJson, renderText, exitCode } from '../cli/validate.ts';
import { analyze } from './analyze.ts';
import { validateBatch } from './batch.ts';
import { ISTIO_KINDS } from './kinds.ts';
import type { Schema } from './schema/dsl.ts';
import type { IstioKind } from './types.ts';
import { validateIstioObject } from './validate.ts';

const SEED = 20261122;
const RUNS = { seed: SEED, numRuns: 250 };
const KINDS = Object.keys(ISTIO_KINDS) as IstioKind[];
const VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];

/** Strings that reach the interesting branches of the rules. */
const tricky = fc.constantFrom(
  '', '*', '*.example.com', '*a.com', 'reviews', 'a..b', 'reviews.default.svc.cluster.local', '10.0.0.1', '10.0.0.0/8', '::1', 'unix:///var/run/a.sock',
  'unix://rel', '1s', '0.5ms', '1.5ms', '0s', 'mesh', 'ns/gw', 'gw.ns', '(', '[z-a]', '(?=x)', '%', '%HOST%', 'a\nb', 'v1', 'V_1', 'HTTP', 'TCP', 'HTTPS',
  '5xx,boom', '.', '~', '@request.auth.claims.group', ':authority', 'host', '127.0.0.1:8080', 'x'.repeat(300),
);

function fromSchema(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const wild = fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({}));
  const typed = typedFromSchema(schema, depth);
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: wild });
}

function typedFromSchema(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string':
      return schema.enum === undefined ? fc.oneof(tricky, fc.string({ maxLength: 12 })) : fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: tricky });
    case 'integer':
      return fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 1, 80, 100, 101, 443, 65535, 65536, 5000011, -1));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, min: -200, max: 200 }), fc.constantFrom(0, 0.00001, 100, 150));
    case 'boolean':
      return fc.boolean();
    case 'any':
      return fc.jsonValue({ maxDepth: 2 });
    case 'array':
      return depth <= 0 ? fc.constant([]) : fc.array(fromSchema(schema.items, depth - 1), { maxLength: 3 });
    case 'map':
      return depth <= 0 ? fc.constant({}) : fc.dictionary(fc.oneof(tricky, fc.string({ maxLength: 8 })), fromSchema(schema.values, depth - 1), { maxKeys: 3 });
    case 'object': {
      if (depth <= 0) return fc.constant({});
      const props = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, fromSchema(v, depth - 1)]));
      return fc.record(props, { requiredKeys: [] });
    }
  }
}

const objectOf = (kind: IstioKind): fc.Arbitrary<Record<string, unknown>> =>
  fc.record({
    apiVersion: fc.constantFrom(...VERSIONS),
    kind: fc.constant(kind),
    metadata: fc.record({ name: fc.oneof(fc.constantFrom('reviews', 'gw', 'Bad_Name', ''), fc.string()), namespace: fc.constantFrom('default', 'shop', '') }, { requiredKeys: ['name'] }),
    spec: fromSchema(ISTIO_KINDS[kind].spec, 6),
  });

const anyIstioObject = fc.oneof(...KINDS.map(objectOf));

function wellFormed(result: ReturnType<typeof validateIstioObject>): boolean {
  const issues = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  return issues.every((i) => typeof i.path === 'string' && typeof i.message === 'string' && i.message.length > 0) && (result.ok || result.errors.length > 0);
}

describe('robustness (fast-check, fixed seed)', () => {
  it('the validator never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom(...KINDS), fc.constantFrom(...VERSIONS), (spec, kind, apiVersion) => {
        const result = validateIstioObject({ apiVersion, kind, metadata: { name: 'x' }, spec });
        expect(wellFormed(result)).toBe(true);
        validateIstioObject(spec);
      }),
      RUNS,
    );
  });

  it('the validator never throws on schema-shaped objects with random corruption', () => {
    fc.assert(
      fc.property(anyIstioObject, (object) => {
        expect(wellFormed(validateIstioObject(object))).toBe(true);
      }),
      { ...RUNS, numRuns: 600 },
    );
  });

  it('the cross-resource analysis never throws on any set of valid objects', () => {
    fc.assert(
      fc.property(fc.array(anyIstioObject, { maxLength: 8 }), (objects) => {
        const resources = objects.flatMap((o) => {
          const r = validateIstioObject(o);
          return r.ok ? [r.value] : [];
        });
        const findings = analyze({ resources, services: [{ namespace: 'default', name: 'reviews', ports: [{ port: 80 }, { port: 443 }] }] });
        expect(Array.isArray(findings)).toBe(true);
      }),
      RUNS,
    );
  });

  it('the weft validate pipeline never throws on random text or random manifests', () => {
    const manifests = fc.array(fc.oneof(anyIstioObject, fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }).map((docs) => docs.map((d) => stringify(d)).join('---\n'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), manifests, fc.json()), (text) => {
        const result = validateBatch([{ source: 'fuzz.yaml', text }]);
        expect([0, 1, 2]).toContain(exitCode(result));
        expect(Array.isArray(JSON.parse(renderJson(result)))).toBe(true);
        expect(renderText(result)).toMatch(/valid, \d+ invalid, \d+ skipped\n$/);
      }),
      RUNS,
    );
  });
});
