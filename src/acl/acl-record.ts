import { compareCodePoints, type Acl, type AclConfigChange, type AclConfigMatch } from './engine';
import type { AclExportRecord } from './yaml/acl-yaml-export';
import type { StoredAcl } from './acl.entity';

// Between the stored row (JSON text columns) and the engine / export shapes.

type AclFields = Pick<StoredAcl, 'name' | 'comment' | 'description' | 'stopAfterMatch' | 'validId' | 'configMatch' | 'configChange'>;

/** The row's columns for an engine ACL. */
export function columnsOf(acl: Acl): AclFields {
  return {
    name: acl.Name,
    comment: acl.Comment,
    description: acl.Description,
    stopAfterMatch: acl.StopAfterMatch,
    validId: acl.ValidID,
    configMatch: acl.ConfigMatch ? JSON.stringify(acl.ConfigMatch) : null,
    configChange: acl.ConfigChange ? JSON.stringify(acl.ConfigChange) : null,
  };
}

/** The engine ACL a stored row holds (rows are validated when written). */
export function engineAclOf(row: StoredAcl): Acl {
  return {
    Name: row.name,
    Comment: row.comment,
    Description: row.description,
    // SQLite hands back 0/1 in raw queries; the entity gives booleans, but be strict about it.
    StopAfterMatch: Boolean(row.stopAfterMatch),
    ValidID: Number(row.validId) as Acl['ValidID'],
    ConfigMatch: row.configMatch ? (JSON.parse(row.configMatch) as AclConfigMatch) : null,
    ConfigChange: row.configChange ? (JSON.parse(row.configChange) as AclConfigChange) : null,
  };
}

/** The row as OTRS exports it, bookkeeping fields included. */
export function exportRecordOf(row: StoredAcl): AclExportRecord {
  return { ...engineAclOf(row), ID: row.id, CreateBy: row.createdBy, CreateTime: row.createdAt, ChangeBy: row.changedBy, ChangeTime: row.changedAt };
}

/** The export-shape mapping validateAclDefinitions reads, e.g. to re-check rows before deploy. */
export function definitionOf(row: StoredAcl): Record<string, unknown> {
  const acl = engineAclOf(row);
  return { ...acl, StopAfterMatch: acl.StopAfterMatch ? 1 : 0, ConfigMatch: acl.ConfigMatch ?? '', ConfigChange: acl.ConfigChange ?? '' };
}

/** JSON with every mapping's keys sorted: two ACLs that mean the same compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b))) : v,
  );
}

/** How one draft stands against the deployed set. */
export type AclDeployState = 'deployed' | 'changed' | 'new' | 'not-deployed';

export interface DeployComparison {
  /** Draft name → its state. */
  readonly states: ReadonlyMap<string, AclDeployState>;
  /** Deployed ACLs that the next deploy removes (deleted, renamed or made invalid since). */
  readonly removed: readonly string[];
  /** Whether a deploy would change what the engine runs on. */
  readonly inSync: boolean;
}

/** Compares the drafts with the deployed set by content, so editing back and forth leaves them in sync. */
export function compareWithDeployed(drafts: readonly Acl[], deployed: readonly Acl[]): DeployComparison {
  const deployedByName = new Map(deployed.map((acl) => [acl.Name, canonicalJson(acl)]));
  return comparison(drafts, deployedByName, drafts.map(canonicalJson));
}

/** The same for large sets, in slices with `pause()` between them. */
export async function compareWithDeployedInSlices(drafts: readonly Acl[], deployed: readonly Acl[], pause: () => Promise<void>, slice = 500): Promise<DeployComparison> {
  const deployedByName = new Map<string, string>();
  for (let i = 0; i < deployed.length; i += slice) {
    if (i > 0) await pause();
    for (const acl of deployed.slice(i, i + slice)) deployedByName.set(acl.Name, canonicalJson(acl));
  }
  const canonical: string[] = [];
  for (let i = 0; i < drafts.length; i += slice) {
    await pause();
    for (const acl of drafts.slice(i, i + slice)) canonical.push(canonicalJson(acl));
  }
  return comparison(drafts, deployedByName, canonical);
}

function comparison(drafts: readonly Acl[], deployedByName: ReadonlyMap<string, string>, canonical: readonly string[]): DeployComparison {
  const deployed = [...deployedByName.keys()];
  const states = new Map<string, AclDeployState>();
  drafts.forEach((draft, i) => {
    const live = deployedByName.get(draft.Name);
    if (draft.ValidID !== 1) states.set(draft.Name, 'not-deployed');
    else if (live === undefined) states.set(draft.Name, 'new');
    else states.set(draft.Name, live === canonical[i] ? 'deployed' : 'changed');
  });
  const removed = deployed.filter((name) => states.get(name) === undefined || states.get(name) === 'not-deployed');
  const inSync = removed.length === 0 && [...states.values()].every((state) => state === 'deployed' || state === 'not-deployed');
  return { states, removed, inSync };
}
