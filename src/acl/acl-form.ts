import type { FieldError } from '../common/form-state';
import { validateAclSection, type Acl, type AclConfigChange, type AclConfigMatch } from './engine';
import type { AclFormDto } from './dto/acl-form.dto';
import { parseAclYamlSection } from './yaml/acl-yaml';
import { dumpAclYamlSection } from './yaml/acl-yaml-export';

// The ACL editor: form fields ↔ engine ACL. The YAML sections get the same checks as an import.

export type AclFormResult = { readonly ok: true; readonly acl: Acl } | { readonly ok: false; readonly errors: Record<string, FieldError> };

function section(name: 'ConfigMatch' | 'ConfigChange', text: string | undefined, aclName: string): { value: unknown } | { error: FieldError } {
  const parsed = parseAclYamlSection(text ?? '');
  if (!parsed.ok) return { error: { key: 'acl.error.section', params: { problems: parsed.error } } };
  // The same checks and wording as an import, naming the ACL being edited.
  const checked = validateAclSection(name, parsed.value, aclName || undefined);
  if (!checked.ok) return { error: { key: 'acl.error.section', params: { problems: checked.errors.join('; ') } } };
  return { value: checked.value };
}

/** The ACL the form describes, or an error per field (name, configMatch, configChange). */
export function aclFromForm(form: AclFormDto): AclFormResult {
  const errors: Record<string, FieldError> = {};
  // OTRS drops an ACL named "0" without a word (§8 item 9).
  if (form.name === '0') errors.name = { key: 'acl.error.nameZero' };
  const match = section('ConfigMatch', form.configMatch, form.name);
  if ('error' in match) errors.configMatch = match.error;
  const change = section('ConfigChange', form.configChange, form.name);
  if ('error' in change) errors.configChange = change.error;
  if (errors.name || 'error' in match || 'error' in change) return { ok: false, errors };
  return {
    ok: true,
    acl: {
      Name: form.name,
      // An empty comment is stored as null, as in an OTRS export without one.
      Comment: form.comment ? form.comment : null,
      Description: form.description ?? '',
      StopAfterMatch: form.stopAfterMatch ?? false,
      ValidID: form.validId,
      ConfigMatch: match.value as AclConfigMatch | null,
      ConfigChange: change.value as AclConfigChange | null,
    },
  };
}

/** What the editor shows for an ACL. */
export function formValuesOf(acl: Acl): Record<string, unknown> {
  return {
    name: acl.Name,
    comment: acl.Comment ?? '',
    description: acl.Description,
    stopAfterMatch: acl.StopAfterMatch,
    validId: acl.ValidID,
    configMatch: dumpAclYamlSection(acl.ConfigMatch),
    configChange: dumpAclYamlSection(acl.ConfigChange),
  };
}
