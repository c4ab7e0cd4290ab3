/** Writes the generated CRDs: `node src/model/crd-gen/write.ts` from the repository root. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_DIR, renderCrds } from './crds.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
await mkdir(join(root, CRD_DIR), { recursive: true });
for (const [name, text] of renderCrds()) {
  await writeFile(join(root, CRD_DIR, name), text);
  process.stdout.write(`wrote ${join(CRD_DIR, name)}\n`);
}
