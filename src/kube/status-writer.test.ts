import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createStatusWriter, statusEquivalent, type StatusClient, type StatusTarget } from './status-writer.ts';

interface S {
  readonly phase: string;
  readonly conditions?: readonly { type: string; status: string; lastTransitionTime: string }[];
}

class Conflict extends Error {}

/** An in-memory object with optimistic concurrency, and a script of failures to inject. */
function fakeClient(initial: S | undefined, failures: (Error | undefined)[] = []) {
  let rv = 1;
  let status = initial;
  let exists = true;
  const patches: { resourceVersion: string; status: S }[] = [];
  const client: StatusClient<S> = {
    read: () => Promise.resolve(exists ? ({ resourceVersion: String(rv), ...(status !== undefined ? { status } : {}) } satisfies StatusTarget<S>) : undefined),
    patchStatus: (_name, resourceVersion, next) => {
      patches.push({ resourceVersion, status: next });
      const failure = failures.shift();
      if (failure !== undefined) {
        if (failure instanceof Conflict) rv++; // someone else wrote in between
        return Promise.reject(failure);
      }
      if (resourceVersion !== String(rv)) return Promise.reject(new Conflict('stale'));
      status = next;
      rv++;
      return Promise.resolve(String(rv));
    },
    isConflict: (err) => err instanceof Conflict,
  };
  return { client, patches, remove: () => (exists = false), current: () => status };
}

const log = pino({ level: 'silent' });
const cond = (status: string, time: string) => ({ type: 'Ready', status, lastTransitionTime: time });

describe('statusEquivalent', () => {
  it.each([
    ['identical', { phase: 'a' }, { phase: 'a' }, true],
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['only lastTransitionTime differs', { conditions: [cond('True', 't1')] }, { conditions: [cond('True', 't2')] }, true],
    ['condition status differs', { conditions: [cond('True', 't1')] }, { conditions: [cond('False', 't1')] }, false],
    ['missing vs empty', undefined, {}, true],
    ['value differs', { phase: 'a' }, { phase: 'b' }, false],
    ['undefined field ignored', { phase: 'a', x: undefined }, { phase: 'a' }, true],
  ])('%s → %s', (_n, a, b, expected) => {
    expect(statusEquivalent(a, b)).toBe(expected);
  });
});

describe('createStatusWriter', () => {
  it('writes a changed status with the latest resourceVersion', async () => {
    const f = fakeClient({ phase: 'old' });
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    await expect(writer.write('default', () => ({ phase: 'new' }))).resolves.toEqual({ type: 'written', resourceVersion: '2', attempts: 1 });
    expect(f.patches).toEqual([{ resourceVersion: '1', status: { phase: 'new' } }]);
  });

  it.each([
    ['same status', { phase: 'x' }, { phase: 'x' }],
    ['only lastTransitionTime moved', { phase: 'x', conditions: [cond('True', 't1')] }, { phase: 'x', conditions: [cond('True', 't2')] }],
  ])('skips the write when nothing changed: %s', async (_n, stored, computed) => {
    const f = fakeClient(stored);
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    await expect(writer.write('default', () => computed)).resolves.toEqual({ type: 'unchanged' });
    expect(f.patches).toEqual([]);
  });

  it('re-reads and retries on 409, computing from the newer object', async () => {
    const f = fakeClient({ phase: 'old' }, [new Conflict('409'), new Conflict('409')]);
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    const seen: string[] = [];
    const result = await writer.write('default', (current) => {
      seen.push(current.resourceVersion);
      return { phase: 'new' };
    });
    expect(result).toMatchObject({ type: 'written', attempts: 3 });
    expect(seen).toEqual(['1', '2', '3']);
    expect(f.current()).toEqual({ phase: 'new' });
  });

  it('gives up after the configured conflict retries', async () => {
    const f = fakeClient({ phase: 'old' }, Array.from({ length: 10 }, () => new Conflict('409')));
    const writer = createStatusWriter(f.client, { log, delayMs: 0, conflictRetries: 2 });
    const result = await writer.write('default', () => ({ phase: 'new' }));
    expect(result.type).toBe('failed');
    expect(f.patches).toHaveLength(3);
  });

  it('does not retry other errors', async () => {
    const boom = new Error('500 internal');
    const f = fakeClient({ phase: 'old' }, [boom]);
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    await expect(writer.write('default', () => ({ phase: 'new' }))).resolves.toEqual({ type: 'failed', error: boom });
    expect(f.patches).toHaveLength(1);
  });

  it('reports a deleted object as notFound', async () => {
    const f = fakeClient({ phase: 'old' });
    f.remove();
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    await expect(writer.write('default', () => ({ phase: 'new' }))).resolves.toEqual({ type: 'notFound' });
  });

  it('sends only the status to the client, never a spec', async () => {
    const f = fakeClient(undefined);
    const writer = createStatusWriter(f.client, { log, delayMs: 0 });
    await writer.write('default', () => ({ phase: 'p' }));
    expect(Object.keys(f.patches[0]?.status ?? {})).toEqual(['phase']);
  });
});

describe('createStatusWriter with a cached copy (peek)', () => {
  it.each([
    ['a current cache saves the GET', '1', { phase: 'old' }, 1, '1'],
    ['a stale cache costs one 409, then the server copy wins', '0', { phase: 'old' }, 2, '1'],
  ])('%s', async (_n, cachedRv, cachedStatus, attempts, lastPatchRv) => {
    const f = fakeClient({ phase: 'old' });
    let reads = 0;
    const read = f.client.read.bind(f.client);
    const client: StatusClient<S> = { ...f.client, read: (name) => { reads++; return read(name); }, peek: () => ({ resourceVersion: cachedRv, status: cachedStatus }) };
    const result = await createStatusWriter(client, { log, delayMs: 0 }).write('default', () => ({ phase: 'new' }));
    expect(result).toMatchObject({ type: 'written', attempts });
    expect(reads).toBe(attempts - 1);
    expect(f.patches.at(-1)?.resourceVersion).toBe(lastPatchRv);
  });

  it('an unchanged cached status writes nothing', async () => {
    const f = fakeClient({ phase: 'same' });
    const client: StatusClient<S> = { ...f.client, peek: () => ({ resourceVersion: '1', status: { phase: 'same' } }) };
    await expect(createStatusWriter(client, { log, delayMs: 0 }).write('default', () => ({ phase: 'same' }))).resolves.toEqual({ type: 'unchanged' });
    expect(f.patches).toEqual([]);
  });
});
