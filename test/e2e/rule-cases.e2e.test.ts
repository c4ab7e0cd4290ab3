/**
 * Every rule case of istio.md §2.2 (`RULE_CASES`, the same table the unit tests use) against the
 * real API server and the status controller: each invalid variant is refused at apply time by the
 * CRD schema/CEL or reported as Accepted=False with its field path and Istio's message; each valid
 * variant is Accepted=True; and `weft validate` gives the same verdict offline.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIstioConfigController, type IstioConfigController } from '../../src/controllers/istio/controller.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { validateBatch } from '../../src/model/batch.ts';
import { RULE_CASES } from '../../src/model/validation/cases/index.ts';
import { clients } from './support/kube.ts';
import { applyVariants, caseVariants, deleteVariants, readVerdicts, type Verdict, type Variant } from './support/variants.ts';

const c = clients();
let controller: IstioConfigController;
/** The cases assume `default` (see caseVariants); a random prefix keeps runs apart. */
const namespace = 'default';
const prefix = `rc${randomBytes(3).toString('hex')}`;
const variants: readonly Variant[] = caseVariants(RULE_CASES, prefix, namespace);
let verdicts: ReadonlyMap<string, Verdict> = new Map();

beforeAll(async () => {
  controller = createIstioConfigController({ kc: c.kc, log: pino({ level: 'silent' }), clock: createRealClock(), isLeader: () => true, analysisQuietMs: 50 });
  await controller.start();
  const refusals = await applyVariants(c.kc, namespace, variants);
  verdicts = await readVerdicts(c.kc, namespace, variants, refusals);
}, 180_000);

afterAll(async () => {
  await controller.stop();
  await deleteVariants(c.kc, namespace, variants, prefix);
});

const verdictOf = (v: Variant): Verdict => {
  const verdict = verdicts.get(v.name);
  if (verdict === undefined) throw new Error(`no verdict for ${v.name}`);
  return verdict;
};

const invalid = variants.filter((v) => !v.valid);
const valid = variants.filter((v) => v.valid);

describe('invalid variants', () => {
  it.each(invalid)('$kind: $rule → refused at apply or Accepted=False with the path and message', (v) => {
    const verdict = verdictOf(v);
    const expected = v.path === undefined ? v.message : `${v.path}: ${v.message}`;
    if (verdict.state === 'refused') {
      // The CRD's own schema or CEL rule (Istio's CRDs carry the same CEL) caught it first.
      expect(verdict.message).toContain(`"${v.name}" is invalid: spec`);
      expect(verdict.message).toContain('Invalid value');
      return;
    }
    expect(verdict).toMatchObject({ state: 'rejected', reason: 'Invalid' });
    expect(verdict.state === 'rejected' ? verdict.message : '').toContain(expected);
  });
});

describe('valid variants', () => {
  it.each(valid)('$kind: $rule → Accepted=True', (v) => {
    expect(verdictOf(v)).toEqual({ state: 'accepted' });
  });
});

it('weft validate gives the cluster\'s verdict on every variant, offline', () => {
  const disagreements = variants.flatMap((v) => {
    const offline = validateBatch([{ source: `${v.name}.json`, text: JSON.stringify(v.object) }]).objects[0];
    const clusterValid = verdictOf(v).state === 'accepted';
    return offline?.valid === clusterValid ? [] : [`${v.name} (${v.rule}): offline ${String(offline?.valid)}, cluster ${verdictOf(v).state}`];
  });
  expect(disagreements).toEqual([]);
});

it('refusals by the schema stay a minority: the controller reports most rules in status', () => {
  const refused = invalid.filter((v) => verdictOf(v).state === 'refused').length;
  process.stderr.write(`[rule-cases] ${String(invalid.length)} invalid variants: ${String(refused)} refused by the CRD schema/CEL, ${String(invalid.length - refused)} Accepted=False\n`);
  expect(refused).toBeLessThan(invalid.length);
});
