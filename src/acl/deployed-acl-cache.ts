import { compileAcls, type Acl, type CompiledAclSet } from './engine';

// The deployed set, compiled once per deployment. Several app instances share one database, so
// each instance asks, at most every `recheckMs`, whether a newer deployment row exists: one
// cheap "latest id" query; the snapshot is read and compiled only when the id changed.

export interface DeploymentSource {
  /** Id of the newest deployment, or null when nothing was ever deployed. */
  latestId(): Promise<number | null>;
  /** The ACLs of one deployment. */
  load(id: number): Promise<readonly Acl[]>;
}

/** Another instance's deploy is picked up within a second: a check every half second, plus the query. */
export const DEPLOYED_SET_RECHECK_MS = 500;

export class DeployedAclCache {
  private current?: { readonly id: number | null; readonly set: CompiledAclSet };
  private checkedAt = Number.NEGATIVE_INFINITY;
  private refreshing?: Promise<CompiledAclSet>;

  constructor(
    private readonly source: DeploymentSource,
    private readonly now: () => number,
    private readonly recheckMs = DEPLOYED_SET_RECHECK_MS,
    /** How a loaded snapshot is compiled; the app compiles large sets in slices (compileAclsInChunks). */
    private readonly compile: (acls: readonly Acl[]) => Promise<CompiledAclSet> = (acls) => Promise.resolve(compileAcls(acls)),
  ) {}

  /** The compiled deployed set; an empty set (nothing applies) before the first deploy. */
  get(): Promise<CompiledAclSet> {
    if (this.current && this.now() - this.checkedAt < this.recheckMs) return Promise.resolve(this.current.set);
    // Concurrent requests share one refresh instead of each querying the database.
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** This instance just deployed (and compiled) this set: use it at once, no query needed. */
  replace(id: number, set: CompiledAclSet): void {
    this.current = { id, set };
    this.checkedAt = this.now();
  }

  private async refresh(): Promise<CompiledAclSet> {
    const id = await this.source.latestId();
    const known = this.current?.id ?? null;
    // Ids only grow; an older answer (a deploy of ours raced this query) never replaces a newer set.
    if (!this.current || (id !== known && (id ?? 0) > (known ?? 0))) {
      const set = await this.compile(id === null ? [] : await this.source.load(id));
      // A deploy of ours may have finished while this one compiled: never go back to an older set.
      if (!this.current || (this.current.id ?? 0) <= (id ?? 0)) this.current = { id, set };
    }
    this.checkedAt = this.now();
    return this.current.set;
  }
}
