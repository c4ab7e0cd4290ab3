/**
 * What a client holds of one type (name → version), shared copy-on-write between streams.
 *
 * A `VersionTable` is immutable and shared: the thousand sidecars that received the same
 * responses point at the same table. `HeldVersions` is one stream's view: a table plus a small
 * private overlay for what only this stream did (a NACK, a resubscription, a delta
 * `initial_resource_versions`). The overlay is folded into a private table once it grows.
 *
 * A table also memoises its transitions (shared-responses.ts): streams that hold the same table
 * and subscription move to the same next table with the same encoded response.
 */

export interface VersionTable {
  readonly id: number;
  readonly versions: ReadonlyMap<string, string>;
  /** Streams whose view is this table with no overlay. */
  holders: number;
  /**
   * Memoised transitions from this table, keyed by the inputs that determine them. Cleared when
   * the last holder leaves (so a chain of tables never keeps old tables and bytes alive), except
   * for a `root` table (the empty one every new stream starts from).
   */
  readonly transitions: Map<string, unknown>;
  readonly root: boolean;
}

let nextTableId = 1;

export function createVersionTable(versions: ReadonlyMap<string, string>, root = false): VersionTable {
  return { id: nextTableId++, versions, holders: 0, transitions: new Map(), root };
}

function leave(table: VersionTable): void {
  if (--table.holders === 0 && !table.root) table.transitions.clear();
}

/** Overlay value of a name this stream no longer holds although the table has it. */
const DROPPED = undefined;

export class HeldVersions {
  #table: VersionTable;
  #overlay: Map<string, string | undefined> | undefined;

  constructor(table: VersionTable) {
    this.#table = table;
    table.holders++;
  }

  /** The shared table, when this view is exactly that table (no private overlay). */
  get pureTable(): VersionTable | undefined {
    return this.#overlay === undefined ? this.#table : undefined;
  }

  get(name: string): string | undefined {
    const overlay = this.#overlay;
    if (overlay?.has(name) === true) return overlay.get(name);
    return this.#table.versions.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, version: string): void {
    if (this.get(name) === version) return;
    this.#write(name, version);
  }

  delete(name: string): void {
    if (this.get(name) === undefined) return;
    this.#write(name, DROPPED);
  }

  *keys(): IterableIterator<string> {
    const overlay = this.#overlay;
    for (const name of this.#table.versions.keys()) if (overlay?.has(name) !== true || overlay.get(name) !== DROPPED) yield name;
    if (overlay !== undefined) for (const [name, version] of overlay) if (version !== DROPPED && !this.#table.versions.has(name)) yield name;
  }

  /** Makes this view exactly `table` (a shared transition's result). */
  adopt(table: VersionTable): void {
    this.#overlay = undefined;
    if (table === this.#table) return;
    leave(this.#table);
    this.#table = table;
    table.holders++;
  }

  /** Lets go of the table (stream closed). */
  release(): void {
    leave(this.#table);
  }

  /** This view as a new table (not adopted). O(size). */
  snapshot(): VersionTable {
    const overlay = this.#overlay;
    if (overlay === undefined) return this.#table;
    const versions = new Map(this.#table.versions);
    for (const [name, version] of overlay) {
      if (version === DROPPED) versions.delete(name);
      else versions.set(name, version);
    }
    return createVersionTable(versions);
  }

  /** Folds a large overlay into a private table (amortised O(1) per write; call after a batch). */
  compact(): void {
    const overlay = this.#overlay;
    if (overlay !== undefined && overlay.size > 16 && overlay.size * 2 > this.#table.versions.size) this.adopt(this.snapshot());
  }

  #write(name: string, version: string | undefined): void {
    const overlay = (this.#overlay ??= new Map());
    if (version === this.#table.versions.get(name)) overlay.delete(name);
    else overlay.set(name, version);
    if (overlay.size === 0) this.#overlay = undefined;
  }
}
