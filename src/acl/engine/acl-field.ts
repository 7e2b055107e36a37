import { ACL_LIST_FIELDS, type AclListField } from './acl-types';

// The field an evaluation is about: `Ticket.<Field>` (ReturnType Ticket + ReturnSubType) or one
// of Action / Process / ActivityDialog, whose sub-type OTRS ignores (conventionally `-`).

export class AclFieldError extends Error {}

/** Canonical key of a field: `Ticket.Queue`, `Ticket.TwitterProfileID`, `Action`, … */
export type AclFieldKey = string;

export function ticketFieldKey(field: string): AclFieldKey {
  return `Ticket.${field}`;
}

export function listFieldKey(field: AclListField): AclFieldKey {
  return field;
}

/** Parses `Ticket.TwitterProfileID`, `Action`, `Action.-`, … into its canonical key. */
export function parseAclField(text: string): AclFieldKey {
  const dot = text.indexOf('.');
  const type = dot === -1 ? text : text.slice(0, dot);
  const sub = dot === -1 ? '' : text.slice(dot + 1);
  if (type === 'Ticket') {
    if (sub === '') throw new AclFieldError(`field "${text}" needs a ticket field, e.g. Ticket.Queue`);
    return ticketFieldKey(sub);
  }
  if ((ACL_LIST_FIELDS as readonly string[]).includes(type)) return listFieldKey(type as AclListField);
  throw new AclFieldError(`unknown field "${text}"; expected Ticket.<Field>, ${ACL_LIST_FIELDS.join(', ')}`);
}
