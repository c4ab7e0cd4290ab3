/**
 * Builds (on a cache miss) and locates the pinned control-plane binaries by running
 * build-binaries.sh, forwarding its progress lines as they come.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./build-binaries.sh', import.meta.url));

export interface Binaries {
  readonly binDir: string;
  /** Folder with kwok's Stage documents of the same tag as the kwok binary. */
  readonly stagesDir: string;
  readonly path: (name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok') => string;
}

export function ensureBinaries(opts: { cacheDir?: string | undefined; onProgress: (line: string) => void; signal?: AbortSignal | undefined }): Promise<Binaries> {
  const env = { ...process.env, ...(opts.cacheDir === undefined ? {} : { WEFT_CACHE_DIR: opts.cacheDir }) };
  const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
  let lastLine = '';
  createInterface({ input: child.stdout }).on('line', (line) => { lastLine = line.trim(); });
  createInterface({ input: child.stderr }).on('line', (line) => { opts.onProgress(line); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || lastLine === '') {
        reject(new Error(`building the control-plane binaries failed (exit ${String(code)}); see the lines above`));
        return;
      }
      const binDir = lastLine;
      resolve({ binDir, stagesDir: join(binDir, '..', 'stages'), path: (name) => join(binDir, name) });
    });
  });
}
