/**
 * Interned subscription name sets. A thousand sidecars that send the same EDS `resource_names`
 * (Envoy repeats every name in every request) share one immutable `NameSet`: one copy of the
 * names per distinct subscription instead of one per stream, one cache watch entry per name per
 * distinct set instead of per stream, and an identity that response sharing can key on
 * (see shared-responses.ts).
 *
 * Sets are reference-counted by the streams that hold them and dropped from the registry when
 * the last one lets go. They must never be mutated.
 */

export interface NameSet extends ReadonlySet<string> {
  /** Unique for the life of the registry; never reused. */
  readonly id: number;
  /** The request named `*` (explicit wildcard); `*` itself is not in the set. */
  readonly star: boolean;
  /** SotW: the encoded resource_names fields the set was made from (a private copy). */
  readonly key: Buffer;
}

interface Entry {
  readonly set: NameSet;
  readonly key: string;
  refs: number;
}

export interface NameSets {
  /** The empty set (never released). */
  readonly empty: NameSet;
  /**
   * The set a SotW request's encoded `resource_names` stands for. `key` is the encoded field
   * bytes: equal bytes mean an equal list, so `names` is only called for a key not seen yet.
   */
  fromRequest(key: Buffer, names: () => readonly string[]): NameSet;
  /** Delta: `base` plus `add` minus `remove` (`*` ignored). Equal derivations share one set. */
  derive(base: NameSet, add: readonly string[], remove: readonly string[]): NameSet;
  /** Drops one reference taken by fromRequest/derive. */
  release(set: NameSet): void;
  /** Distinct sets held (for tests and stats). */
  size(): number;
}

const NO_KEY = Buffer.alloc(0);

export function createNameSets(): NameSets {
  let nextId = 1;
  const byKey = new Map<string, Entry>();
  const bySet = new Map<NameSet, Entry>();

  function make(names: Iterable<string>, star: boolean, key: Buffer = NO_KEY): NameSet {
    const set = new Set(names);
    set.delete('*');
    return Object.assign(set, { id: nextId++, star, key });
  }

  const empty = make([], false);

  function intern(key: string, build: () => NameSet): NameSet {
    let entry = byKey.get(key);
    if (entry === undefined) {
      const set = build();
      entry = { set, key, refs: 0 };
      byKey.set(key, entry);
      bySet.set(set, entry);
    }
    entry.refs++;
    return entry.set;
  }

  return {
    empty,
    fromRequest(key, names) {
      if (key.length === 0) return empty;
      return intern(`s${key.toString('latin1')}`, () => {
        const list = names();
        return make(list, list.includes('*'), Buffer.from(key));
      });
    },
    derive(base, add, remove) {
      const adds = add.filter((name) => name !== '*' && !base.has(name));
      const removes = remove.filter((name) => base.has(name));
      if (adds.length === 0 && removes.length === 0) {
        const entry = bySet.get(base);
        if (entry !== undefined) entry.refs++;
        return base;
      }
      return intern(`d${base.id}\u0000${adds.join('\u0000')}\u0001${removes.join('\u0000')}`, () => {
        const next = new Set(base);
        for (const name of adds) next.add(name);
        for (const name of removes) next.delete(name);
        return make(next, false);
      });
    },
    release(set) {
      const entry = bySet.get(set);
      if (entry === undefined || --entry.refs > 0) return;
      byKey.delete(entry.key);
      bySet.delete(set);
    },
    size: () => byKey.size,
  };
}
