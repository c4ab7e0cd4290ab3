/**
 * config/default is the install path for real clusters: it must build with kustomize, and the
 * API server must accept every object in it (server-side dry run).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { parseManifests } from '../../src/kube/manifests.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

function kubectl(): string {
  const bin = inject('binDir');
  return bin === '' ? 'kubectl' : join(bin, 'kubectl');
}

describe('config/default', () => {
  it('builds with kubectl kustomize and is accepted by the API server', async () => {
    const { stdout } = await run(kubectl(), ['kustomize', join(ROOT, 'config/default')], { maxBuffer: 64 << 20 });
    const read = parseManifests(stdout, 'kustomize output');
    if (!read.ok) throw new Error(read.error);
    const kinds = new Set(read.objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const expected of ['Namespace/weft-system', 'ServiceAccount/weft-operator', 'ClusterRole/weft-operator', 'ClusterRoleBinding/weft-operator', 'Deployment/weft-operator', 'PodDisruptionBudget/weft-operator']) {
      expect(kinds).toContain(expected);
    }
    const namespaced = read.objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition' && !o.kind.startsWith('Cluster'));
    expect(namespaced.every((o) => o.metadata.namespace === 'weft-system')).toBe(true);

    const env = { ...process.env, KUBECONFIG: inject('kubeconfig') };
    const file = join(await mkdtemp(join(tmpdir(), 'weft-kustomize-')), 'install.yaml');
    await writeFile(file, stdout);
    const created = await run(kubectl(), ['create', 'namespace', 'weft-system'], { env }).then(() => true, () => false);
    try {
      const applied = await run(kubectl(), ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '--field-manager=weft-e2e', '-f', file], { env });
      expect(applied.stdout).toContain('deployment.apps/weft-operator serverside-applied (server dry run)');
    } finally {
      if (created) await run(kubectl(), ['delete', 'namespace', 'weft-system', '--wait=false'], { env });
    }
  });
});
