import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCase, runCase, toYaml } from '../testing/case.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'model-to-ir');
const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml')).sort();

describe('model → IR golden files', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (input) => {
    const output = runCase(parseCase(readFileSync(join(testdata, input), 'utf8')));
    await expect(toYaml(output)).toMatchFileSnapshot(join(testdata, input.replace('.in.yaml', '.out.yaml')));
  });
});
