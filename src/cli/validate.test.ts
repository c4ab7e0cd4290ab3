import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from './testing.ts';
import { createValidateCommand } from './validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-validate-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function run(args: string[], stdinText = ''): Promise<CommandRun> {
  return runCommand((stderr) => createValidateCommand<null>({ readStdin: () => Promise.resolve(stdinText), stderr }), args);
}

const good = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
---
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {ports: [{port: 9080, name: http}]}
`;
const dr = `{"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule", "metadata": {"name": "reviews"}, "spec": {"host": "reviews", "subsets": [{"name": "v2"}]}}`;
const bad = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: broken, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
      weight: -1
    - destination: {host: reviews}
`;

describe('weft validate', () => {
  it('reports every object of a directory valid, with cross-file checks, as a JSON array', async () => {
    write('ok/vs.yaml', good);
    write('ok/nested/dr.json', dr);
    write('ok/notes.txt', 'not a manifest');
    const { code, out } = await run(['-o', 'json', join(dir, 'ok')]);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { kind: string; name: string; valid: boolean; errors: unknown[]; warnings: unknown[]; skipped?: boolean }[];
    expect(rows.map((r) => [r.kind, r.name, r.valid, r.skipped ?? false])).toEqual([
      ['DestinationRule', 'reviews', true, false],
      ['VirtualService', 'reviews', true, false],
      ['Service', 'reviews', true, true],
    ]);
    expect(rows.flatMap((r) => r.warnings)).toEqual([]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['kind', 'apiVersion', 'namespace', 'name', 'valid', 'errors', 'warnings']);
  });

  it('exits 1 with the field path and Istio\'s message for an invalid object', async () => {
    const file = write('bad.yaml', bad);
    const { code, out } = await run(['-f', file, '-o', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual([
      {
        kind: 'VirtualService',
        apiVersion: 'networking.istio.io/v1alpha3',
        namespace: 'shop',
        name: 'broken',
        valid: false,
        errors: [{ path: 'spec.http[0].route[0].weight', message: 'weight -1 < 0' }],
        warnings: [],
      },
    ]);
  });

  it('prints text by default, with warnings and a summary', async () => {
    const file = write('alone.yaml', good.split('---')[0] ?? '');
    const { code, out } = await run(['-f', file]);
    expect(code).toBe(0);
    expect(out).toContain('VALID   VirtualService default/reviews (networking.istio.io/v1)');
    expect(out).toContain('warning IST0101 spec.http[0].route[0].destination.host: Referenced host not found: "reviews"');
    expect(out).toContain('1 valid, 0 invalid, 0 skipped');
  });

  it('exits 2 on malformed YAML, naming the file and line', async () => {
    const file = write('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n');
    const { code, err } = await run(['-f', file]);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1: `));
  });

  it('exits 2 on a missing path', async () => {
    const { code, err } = await run(['-f', join(dir, 'nope.yaml')]);
    expect(code).toBe(2);
    expect(err).toContain('nope.yaml');
  });

  it('reads stdin with -f -', async () => {
    const { code, out } = await run(['-f', '-', '-o', 'json'], bad);
    expect(code).toBe(1);
    expect(out).toContain('"weight -1 < 0"');
  });

  it('lists unknown kinds as skipped and documents without kind as invalid', async () => {
    const { code, out } = await run(['-f', '-'], 'apiVersion: mesh.weft.dev/v1alpha1\nkind: MeshControlPlane\nmetadata: {name: default}\n---\njust: a map\n');
    expect(code).toBe(1);
    expect(out).toContain('SKIPPED MeshControlPlane default/default');
    expect(out).toContain('INVALID <no kind> default/<no name>');
  });

  it('asks for a path when given none', async () => {
    expect((await run([])).code).toBe(2);
  });
});

describe('weft validate input edge cases', () => {
  it.each([
    ['duplicate keys', 'apiVersion: v1\nkind: Service\nkind: Service\nmetadata: {name: a}\n', 2],
    ['malformed JSON', '{"apiVersion": "v1",\n "kind": ', 2],
    ['a JSON array of objects', '[{"apiVersion": "networking.istio.io/v1", "kind": "Gateway", "metadata": {"name": "g"}, "spec": {"servers": []}}]', 1],
    ['a List', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n', 0],
    ['an empty file', '', 0],
    ['a date-like label value (a string for kubectl too)', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec:\n  host: r\n  subsets: [{name: v1, labels: {released: 2024-01-01}}]\n', 0],
    ['a YAML 1.1 boolean where a string belongs (as kubectl reads it)', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [r]\n  http:\n  - match: [{headers: {x: {exact: on}}}]\n    route: [{destination: {host: r}}]\n', 1],
    ['an unserved version of an Istio kind', 'apiVersion: networking.istio.io/v2\nkind: Gateway\nmetadata: {name: g}\n', 1],
    ['an Istio kind of another group', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a}\n', 0],
  ])('%s gives exit code %d', async (_what, text, code) => {
    expect((await run(['-f', '-'], text)).code).toBe(code);
  });
});

describe('weft validate on the shared scenarios', () => {
  it('reports every object valid (exit 0), the MeshControlPlane and the Service skipped', async () => {
    const scenarios = fileURLToPath(new URL('../../../shared/scenarios', import.meta.url));
    const { code, out } = await run(['-o', 'json', scenarios]);
    const rows = JSON.parse(out) as { kind: string; valid: boolean; errors: unknown[]; skipped?: boolean }[];
    expect(code).toBe(0);
    expect(rows.filter((r) => !r.valid || r.errors.length > 0)).toEqual([]);
    expect(rows.filter((r) => r.skipped === true).map((r) => r.kind).sort()).toEqual(['MeshControlPlane', 'Service']);
    expect(rows.filter((r) => r.skipped !== true)).toHaveLength(11);
  });
});
