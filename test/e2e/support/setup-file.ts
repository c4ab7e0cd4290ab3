/** Per-file e2e setup: when a test fails, print the tail of every control-plane component log. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, inject } from 'vitest';
import { tailLogs } from '../cluster/processes.ts';

afterEach(({ task }) => {
  const dir = inject('clusterLogDir');
  if (task.result?.state !== 'fail' || dir === '') return;
  const files = readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => join(dir, f));
  process.stderr.write(`\n${task.name} failed; control-plane logs:\n${tailLogs(files, 30)}\n`);
});
