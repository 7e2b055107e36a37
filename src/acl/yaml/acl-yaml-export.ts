import { dump, visit, type Document } from 'js-yaml';
import { compareCodePoints } from '../engine/acl-order';
import type { Acl } from '../engine/acl-types';

// Writes ACLs the way OTRS's AdminACL "Export" does (§2): a YAML list of mappings, keys in
// alphabetical order, empty ConfigMatch/ConfigChange as '', flags as 0/1. parseAclYaml reads it
// back to the same ACLs.

/** An ACL with the bookkeeping fields OTRS exports (and ignores on import). */
export interface AclExportRecord extends Acl {
  readonly ID?: number | string;
  readonly CreateBy?: string;
  /** As OTRS wrote it, a Date, or epoch ms (the app's own rows: docs/ARCHITECTURE.md, "Time"). */
  readonly CreateTime?: string | Date | number;
  readonly ChangeBy?: string;
  readonly ChangeTime?: string | Date | number;
}

/** OTRS's timestamp format, in UTC. */
function timestamp(value: string | Date | number): string {
  return typeof value === 'string' ? value : new Date(value).toISOString().slice(0, 19).replace('T', ' ');
}

function exportShape(acl: AclExportRecord): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    Comment: acl.Comment,
    ConfigChange: acl.ConfigChange ?? '',
    ConfigMatch: acl.ConfigMatch ?? '',
    Description: acl.Description,
    Name: acl.Name,
    StopAfterMatch: acl.StopAfterMatch ? 1 : 0,
    ValidID: acl.ValidID,
  };
  if (acl.ID !== undefined) shape.ID = acl.ID;
  if (acl.CreateBy !== undefined) shape.CreateBy = acl.CreateBy;
  if (acl.CreateTime !== undefined) shape.CreateTime = timestamp(acl.CreateTime);
  if (acl.ChangeBy !== undefined) shape.ChangeBy = acl.ChangeBy;
  if (acl.ChangeTime !== undefined) shape.ChangeTime = timestamp(acl.ChangeTime);
  return shape;
}

/** Every mapping's keys in code-point order, like OTRS's dump (JavaScript would put `10` before `A`). */
function sortMappingKeys(documents: Document[]): void {
  visit(documents, (node) => {
    if (node.kind !== 'mapping') return;
    node.items.sort((a, b) => compareCodePoints(a.key.kind === 'scalar' ? a.key.value : '', b.key.kind === 'scalar' ? b.key.value : ''));
  });
}

export const YAML_DOCUMENT_START = '---\n';

/** The export file for these ACLs, in the order given. */
export function exportAclsToYaml(acls: readonly AclExportRecord[]): string {
  const body = dump(acls.map(exportShape), { lineWidth: -1, seqNoIndent: true, noRefs: true, transform: sortMappingKeys });
  return `${YAML_DOCUMENT_START}${body}`;
}

/**
 * One ACL as an entry of the export list (`- ChangeBy: …` and its lines). Entries joined after
 * YAML_DOCUMENT_START give the same file as exportAclsToYaml, built a slice at a time.
 */
export function aclExportBody(acl: AclExportRecord): string {
  return dump([exportShape(acl)], { lineWidth: -1, seqNoIndent: true, noRefs: true, transform: sortMappingKeys });
}

/** ConfigMatch or ConfigChange as the editor shows it: the same dump style, '' when absent. */
export function dumpAclYamlSection(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return dump(value, { lineWidth: -1, seqNoIndent: true, noRefs: true, transform: sortMappingKeys });
}
