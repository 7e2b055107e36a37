import type { MessageParams } from '../i18n/translator';

/**
 * A rule of the domain was broken (name taken, unknown group…). Services throw it without knowing
 * about HTTP; the HTML filter shows `messageKey` next to `field`, or as an error line when no field fits.
 */
export class DomainException extends Error {
  constructor(
    readonly messageKey: string,
    readonly field?: string,
    readonly params: MessageParams = {},
  ) {
    super(messageKey);
  }
}

/** The record a URL names does not exist: a 404 page with this message, whatever the method. */
export class RecordNotFoundException extends DomainException {}

/**
 * The agent may not do this (a ticket locked by someone else, a queue or action the ACLs refuse):
 * a 403 page with this message, whatever the method, and nothing changed.
 */
export class ForbiddenActionException extends DomainException {}

/** A form failed validation: field → message. */
export class FormValidationException extends Error {
  constructor(readonly errors: Record<string, { key: string; params?: MessageParams }>) {
    super('form validation failed');
  }
}
