import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ProxyIR } from '../../ir/types.ts';
import pino from 'pino';
import { messageType } from '../../xds/protos.ts';
import { createSnapshotCache } from '../../xds/snapshot-cache.ts';
import { encodeResource } from '../../xds/resource.ts';
import { messageName, SHORT_NAMES, type XdsTypeUrl } from '../../xds/type-urls.ts';
import { toYaml } from '../testing/case.ts';
import { strictCheck } from '../testing/strict-check.ts';
import { translateIr } from './translate.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'ir-to-xds');
const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml')).sort();

/** Strict field check, then encode (as the cache does) and decode with the real Envoy protos. */
function verify(typeUrl: XdsTypeUrl, resource: Readonly<Record<string, unknown>>): string[] {
  const problems = strictCheck(messageName(typeUrl), resource);
  const outcome = encodeResource(typeUrl, resource);
  if (!outcome.ok) return [...problems, outcome.problem];
  const type = messageType(messageName(typeUrl));
  const decoded = type.decode(outcome.resource.body);
  const again = type.encode(decoded).finish();
  if (Buffer.compare(Buffer.from(again), Buffer.from(outcome.resource.body)) !== 0) problems.push(`${outcome.resource.name}: re-encoding the decoded message differs`);
  return problems;
}

describe('IR → xDS golden files', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (input) => {
    const irs = parse(readFileSync(join(testdata, input), 'utf8')) as { proxies: { id: string; ir: ProxyIR }[] };
    const out: Record<string, Record<string, unknown>> = {};
    const problems: string[] = [];
    const cache = createSnapshotCache({ log: pino({ level: 'silent' }) });
    for (const { id, ir } of irs.proxies) {
      const xds = translateIr(ir);
      const published = cache.setResources(id, xds);
      if (!published.ok) problems.push(...published.problems);
      const byType: Record<string, unknown> = {};
      for (const [typeUrl, resources] of Object.entries(xds) as [XdsTypeUrl, readonly Readonly<Record<string, unknown>>[]][]) {
        for (const r of resources) problems.push(...verify(typeUrl, r));
        byType[SHORT_NAMES[typeUrl]] = resources;
      }
      out[id] = byType;
    }
    expect(problems).toEqual([]);
    await expect(toYaml(out)).toMatchFileSnapshot(join(testdata, input.replace('.in.yaml', '.out.yaml')));
  });
});
