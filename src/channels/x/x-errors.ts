/**
 * Typed failures of calls to X. Views and jobs branch on `code` (stable strings), never on
 * messages; `retryable` tells a queue whether trying again later can succeed.
 */

export type XErrorCode =
  'invalid-credentials' | 'forbidden' | 'duplicate' | 'rate-limited' | 'server-error' | 'unreachable' | 'bad-request' | 'unexpected-response' | 'not-enrolled' | WebhookRejection;

/** Why X refused to register or keep a webhook (V2 Webhooks API), as X names it. */
export const WEBHOOK_REJECTIONS = {
  CrcValidationFailed: 'webhook-crc-failed',
  UrlValidationFailed: 'webhook-url-invalid',
  DuplicateUrlFailed: 'webhook-duplicate-url',
  WebhookLimitExceeded: 'webhook-limit-exceeded',
} as const;
export type WebhookRejection = (typeof WEBHOOK_REJECTIONS)[keyof typeof WEBHOOK_REJECTIONS];

export interface XErrorDetails {
  /** HTTP status X answered with. */
  status?: number;
  /** X's human-readable explanation (v2 `detail`/`title`, v1.1 `errors[0].message`). */
  detail?: string;
  /** X's numeric v1.1 error code (32, 89, 187, …) when the body carried one. */
  xErrorCode?: number;
  /** The kind of a v2 problem: the last part of its `type` (client-forbidden, usage-capped, …). */
  problem?: string;
  /** A v2 problem's `reason` (client-not-enrolled, …). */
  reason?: string;
  cause?: unknown;
}

export abstract class XApiError extends Error {
  abstract readonly code: XErrorCode;
  abstract readonly retryable: boolean;
  readonly status?: number;
  readonly detail?: string;
  readonly xErrorCode?: number;
  readonly problem?: string;
  readonly problemReason?: string;

  constructor(message: string, details: XErrorDetails = {}) {
    super(details.detail ? `${message}: ${details.detail}` : message, { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.detail = details.detail;
    this.xErrorCode = details.xErrorCode;
    this.problem = details.problem;
    this.problemReason = details.reason;
  }
}

/** 401 (and v1.1 codes 32/89/135/215): wrong keys, revoked token — reconnect, don't retry. */
export class XInvalidCredentialsError extends XApiError {
  readonly code = 'invalid-credentials';
  readonly retryable = false;
  constructor(details?: XErrorDetails) {
    super('X rejected the credentials', details);
  }
}

/** 403 other than duplicates: app not enrolled, suspended account, no write permission, … */
export class XForbiddenError extends XApiError {
  readonly code: 'forbidden' | 'not-enrolled' = 'forbidden';
  readonly retryable = false;
  constructor(details?: XErrorDetails) {
    super('X refused the request', details);
  }
}

/** 403 duplicate content: sending the same text again will never succeed. */
export class XDuplicateError extends XApiError {
  readonly code = 'duplicate';
  readonly retryable = false;
  constructor(details?: XErrorDetails) {
    super('X refused duplicate content', details);
  }
}

/** 429: wait until `resetAt` (from x-rate-limit-reset) before calling again. */
export class XRateLimitedError extends XApiError {
  readonly code = 'rate-limited';
  readonly retryable = true;
  constructor(
    readonly resetAt: Date,
    details?: XErrorDetails,
  ) {
    super('X rate limit reached', details);
  }
}

/** 5xx: X is over capacity or failing. */
export class XServerError extends XApiError {
  readonly code = 'server-error';
  readonly retryable = true;
  constructor(details?: XErrorDetails) {
    super('X answered with a server error', details);
  }
}

/** No answer at all: connection refused, DNS, TLS, or the client's timeout. */
export class XUnreachableError extends XApiError {
  readonly code = 'unreachable';
  readonly retryable = true;
  constructor(
    readonly reason: 'timeout' | 'network',
    details?: XErrorDetails,
  ) {
    super(reason === 'timeout' ? 'X did not answer in time' : 'X could not be reached', details);
  }
}

/** Other 4xx: the request itself is wrong (text too long, unknown recipient, …). */
export class XBadRequestError extends XApiError {
  readonly code = 'bad-request';
  readonly retryable = false;
  constructor(details?: XErrorDetails) {
    super('X rejected the request', details);
  }
}

/** A success status with a body we cannot read, or a status X never uses (3xx). */
export class XUnexpectedResponseError extends XApiError {
  readonly code = 'unexpected-response';
  readonly retryable = false;
  constructor(details?: XErrorDetails) {
    super('X answered with something unexpected', details);
  }
}

/**
 * 403 client-forbidden / client-not-enrolled: the app's access level (X's API tier) does not
 * include this endpoint — for socialdesk, the Account Activity API. Polling still works.
 */
export class XNotEnrolledError extends XForbiddenError {
  override readonly code = 'not-enrolled';
}

/** 400 from the V2 Webhooks API with X's reason first: CrcValidationFailed, UrlValidationFailed, … */
export class XWebhookRejectedError extends XApiError {
  readonly code: WebhookRejection;
  readonly retryable = false;
  constructor(
    readonly rejection: keyof typeof WEBHOOK_REJECTIONS,
    details?: XErrorDetails,
  ) {
    super(`X refused the webhook (${rejection})`, details);
    this.code = WEBHOOK_REJECTIONS[rejection];
  }
}
