import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readManifestDir } from './manifests.ts';

const CRDS = join(import.meta.dirname, '../../crds');

describe('crds/', () => {
  it('lists every CRD file in its kustomization', () => {
    const files = readdirSync(CRDS, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f) && !/(^|\/)kustomization\.ya?ml$/.test(f))
      .sort();
    const kustomization = parse(readFileSync(join(CRDS, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(files);
  });

  it('holds only CustomResourceDefinitions', async () => {
    const read = await readManifestDir(CRDS);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const others = read.objects.filter((o) => o.kind !== 'CustomResourceDefinition').map((o) => `${o.kind}/${o.metadata.name}`);
    expect(others).toEqual([]);
  });
});
