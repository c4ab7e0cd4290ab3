/**
 * Every resource the golden cases translate to (clusters, listeners, routes, load assignments) is
 * within the direct encoder's reach (src/xds/encode-plain.ts) and encodes to exactly the bytes
 * protobufjs writes, so versions do not depend on which encoder wrote a resource.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodePlain } from '../../xds/encode-plain.ts';
import { messageType } from '../../xds/protos.ts';
import { ADS_ORDER, messageName } from '../../xds/type-urls.ts';
import { parseCase, runCase } from '../testing/case.ts';
import { translateIr } from './translate.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'model-to-ir');
const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml')).sort();

describe('direct encoding of translated resources', () => {
  it.each(cases)('%s', (input) => {
    const output = runCase(parseCase(readFileSync(join(testdata, input), 'utf8')));
    for (const proxy of output.proxies) {
      const resources = translateIr(proxy.ir);
      for (const typeUrl of ADS_ORDER) {
        const type = messageType(messageName(typeUrl));
        for (const resource of resources[typeUrl]) {
          const direct = encodePlain(type, resource);
          const label = `${messageName(typeUrl)} ${String(resource.name ?? resource.cluster_name)}`;
          expect(direct, label).toBeDefined();
          expect(direct, label).toEqual(Buffer.from(type.encode(type.fromObject(resource)).finish()));
        }
      }
    }
  });
});
