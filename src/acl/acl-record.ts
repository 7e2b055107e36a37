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
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b)))
      : v,
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
  const states = new Map<string, AclDeployState>();
  for (const draft of drafts) {
    const live = deployedByName.get(draft.Name);
    if (draft.ValidID !== 1) states.set(draft.Name, 'not-deployed');
    else if (live === undefined) states.set(draft.Name, 'new');
    else states.set(draft.Name, live === canonicalJson(draft) ? 'deployed' : 'changed');
  }
  const removed = deployed.filter((acl) => states.get(acl.Name) === undefined || states.get(acl.Name) === 'not-deployed').map((acl) => acl.Name);
  const inSync = removed.length === 0 && [...states.values()].every((state) => state === 'deployed' || state === 'not-deployed');
  return { states, removed, inSync };
}
