/** Runs the pinned kubectl (or the one on PATH for an external cluster) against the test cluster. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
  const bin = inject('binDir');
  const command = bin === '' ? 'kubectl' : join(bin, 'kubectl');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code: code ?? -1, stdout, stderr }); });
    child.stdin.end(input ?? '');
  });
}

/** `kubectl apply --server-side -f -` into a namespace; rejects with kubectl's stderr on failure. */
export async function apply(yaml: string, namespace: string): Promise<string> {
  const result = await kubectl(['apply', '--server-side', '--field-manager=weft-e2e-user', '-n', namespace, '-f', '-'], yaml);
  if (result.code !== 0) throw new Error(`kubectl apply failed: ${result.stderr}`);
  return result.stdout;
}
