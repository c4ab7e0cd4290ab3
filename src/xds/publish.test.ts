import { describe, expect, it } from 'vitest';
import { createPublish } from './publish.ts';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('publish convergence', () => {
  it.each([
    ['read before the last hold is released', true],
    ['read only after convergence', false],
  ])('converged resolves when %s', async (_name, readEarly) => {
    const seconds: number[] = [];
    const publish = createPublish((_p, s) => seconds.push(s));
    const release = publish.hold();
    publish.sealed();
    const early = readEarly ? publish.converged : undefined;
    if (early !== undefined) expect(await settled(early)).toBe(false);
    release();
    expect(seconds).toHaveLength(1);
    expect(await settled(early ?? publish.converged)).toBe(true);
  });

  it('converges at once when sealed without holds, and reports once', async () => {
    const seconds: number[] = [];
    const publish = createPublish((_p, s) => seconds.push(s));
    publish.sealed();
    publish.sealed();
    expect(seconds).toHaveLength(1);
    expect(await settled(publish.converged)).toBe(true);
  });

  it('a released hold released again changes nothing', () => {
    const seconds: number[] = [];
    const publish = createPublish((_p, s) => seconds.push(s));
    const first = publish.hold();
    const second = publish.hold();
    publish.sealed();
    first();
    first();
    expect(seconds).toHaveLength(0);
    second();
    expect(seconds).toHaveLength(1);
  });
});
