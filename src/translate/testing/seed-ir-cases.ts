/**
 * Seeds IR → xDS inputs from model → IR outputs: `node src/translate/testing/seed-ir-cases.ts [case…]`
 * writes `testdata/ir-to-xds/<case>.in.yaml` (each proxy's id and IR). The inputs are then
 * committed and owned by the IR → xDS stage; re-seed when the IR of a case changes on purpose.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { toYaml, type CaseOutput } from './case.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const wanted = new Set(process.argv.slice(2));
for (const file of readdirSync(join(testdata, 'model-to-ir')).filter((f) => f.endsWith('.out.yaml')).sort()) {
  const name = file.replace('.out.yaml', '');
  if (wanted.size > 0 && !wanted.has(name)) continue;
  const output = parse(readFileSync(join(testdata, 'model-to-ir', file), 'utf8')) as CaseOutput;
  const header = `# Seeded from model-to-ir/${file} by src/translate/testing/seed-ir-cases.ts.\n`;
  writeFileSync(join(testdata, 'ir-to-xds', `${name}.in.yaml`), header + toYaml({ proxies: output.proxies.map((p) => ({ id: p.id, ir: p.ir })) }));
}
