/**
 * Every ClusterLoadAssignment the golden cases translate to is within the direct encoder's shape
 * (src/xds/encode-cla.ts) and encodes to exactly the bytes protobufjs writes, so endpoint
 * resources keep their versions whichever encoder wrote them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeClusterLoadAssignment } from '../../xds/encode-cla.ts';
import { messageType } from '../../xds/protos.ts';
import { TYPE_URLS } from '../../xds/type-urls.ts';
import { parseCase, runCase } from '../testing/case.ts';
import { translateIr } from './translate.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'model-to-ir');
const cases = readdirSync(testdata).filter((f) => f.endsWith('.in.yaml')).sort();

describe('direct ClusterLoadAssignment encoding of translated endpoints', () => {
  it.each(cases)('%s', (input) => {
    const type = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');
    const output = runCase(parseCase(readFileSync(join(testdata, input), 'utf8')));
    const loadAssignments = output.proxies.flatMap((p) => translateIr(p.ir)[TYPE_URLS.endpoint]);
    for (const cla of loadAssignments) {
      const direct = encodeClusterLoadAssignment(cla);
      expect(direct, String(cla.cluster_name)).toBeDefined();
      expect(Buffer.from(direct ?? new Uint8Array())).toEqual(Buffer.from(type.encode(type.fromObject(cla)).finish()));
    }
  });

  it('the cases translate to load assignments with endpoints', () => {
    const all = cases.flatMap((input) => runCase(parseCase(readFileSync(join(testdata, input), 'utf8'))).proxies.flatMap((p) => translateIr(p.ir)[TYPE_URLS.endpoint]));
    expect(all.filter((cla) => Array.isArray(cla.endpoints) && cla.endpoints.length > 0).length).toBeGreaterThan(20);
  });
});
