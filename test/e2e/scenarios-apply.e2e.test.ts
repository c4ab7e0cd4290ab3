/** Every scenario YAML that users bring must be accepted unchanged by our CRDs on a real API server. */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const SCENARIOS = resolve(import.meta.dirname, '../../../shared/scenarios');
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

describe('shared scenarios', () => {
  it.each(files)('%s passes a server-side dry run', async (file) => {
    const bin = inject('binDir');
    const kubectl = bin === '' ? 'kubectl' : join(bin, 'kubectl');
    const env = { ...process.env, KUBECONFIG: inject('kubeconfig') };
    const { stdout } = await run(kubectl, ['apply', '--server-side', '--dry-run=server', '--field-manager=weft-e2e', '-n', 'default', '-f', join(SCENARIOS, file)], { env });
    expect(stdout).toMatch(/serverside-applied \(server dry run\)/);
    expect(stdout).not.toMatch(/error/i);
  });
});
