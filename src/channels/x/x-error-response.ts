import { parseJsonExact } from './exact-json';
import {
  XApiError,
  XBadRequestError,
  XDuplicateError,
  XForbiddenError,
  XInvalidCredentialsError,
  XNotEnrolledError,
  XRateLimitedError,
  XServerError,
  XUnexpectedResponseError,
  XWebhookRejectedError,
  WEBHOOK_REJECTIONS,
  type XErrorDetails,
} from './x-errors';

/** Turns a non-2xx answer of X into a typed error, reading X's body shapes (docs/X.md, "Errors, and what the admin sees"). */

export interface XErrorResponse {
  status: number;
  headers: { get(name: string): string | null };
  bodyText: string;
  /** Clock used when the 429 has no usable x-rate-limit-reset. */
  nowMs: number;
}

// v1.1 codes that mean "these credentials do not work", whatever the HTTP status says
// (89 comes with 401 or 403 in the wild, 215 with 400, 99 with 403 from POST /oauth2/token).
const AUTH_ERROR_CODES = new Set([32, 89, 99, 135, 215]);
// The V2 Webhooks API names its reason first in errors[0].message ("CrcValidationFailed: …").
const WEBHOOK_REJECTION = new RegExp(`\\b(${Object.keys(WEBHOOK_REJECTIONS).join('|')})\\b`);
const DUPLICATE_ERROR_CODES = new Set([187]);
// X's own sample code never waits less than a minute after a 429.
const FALLBACK_RATE_LIMIT_WAIT_MS = 60_000;

export function xErrorFromResponse(response: XErrorResponse): XApiError {
  const { status } = response;
  const details: XErrorDetails = { status, ...readErrorBody(response.bodyText) };
  const code = details.xErrorCode;

  if (status === 401 || (code !== undefined && AUTH_ERROR_CODES.has(code))) {
    return new XInvalidCredentialsError(details);
  }
  if (status === 429) return new XRateLimitedError(rateLimitReset(response), details);
  if (status === 403 && (details.reason === 'client-not-enrolled' || details.problem === 'client-forbidden')) {
    return new XNotEnrolledError(details);
  }
  const rejection = status === 400 ? WEBHOOK_REJECTION.exec(details.detail ?? '')?.[1] : undefined;
  if (rejection) return new XWebhookRejectedError(rejection as keyof typeof WEBHOOK_REJECTIONS, details);
  if (status === 403) {
    const duplicate = (code !== undefined && DUPLICATE_ERROR_CODES.has(code)) || /duplicate/i.test(details.detail ?? '');
    return duplicate ? new XDuplicateError(details) : new XForbiddenError(details);
  }
  if (status >= 500) return new XServerError(details);
  if (status >= 400) return new XBadRequestError(details);
  return new XUnexpectedResponseError(details);
}

/**
 * v2 problem objects `{title, detail, type, reason}`, v1.1 `{"errors":[{code, message}]}`,
 * v2 `{"errors":[{title, detail}]}`, the XML of the oauth/* endpoints, or plain text.
 */
export function readErrorBody(bodyText: string): Pick<XErrorDetails, 'detail' | 'xErrorCode' | 'problem' | 'reason'> {
  const text = bodyText.trim();
  if (!text) return {};
  const body = tryParseJson(text);
  if (body === undefined) return readNonJsonBody(text);
  if (!isObject(body)) return {};

  const first = Array.isArray(body.errors) && isObject(body.errors[0]) ? body.errors[0] : undefined;
  // A v2 400 says "One or more parameters … invalid" on top and which one in errors[0].
  const parts = [stringField(body, 'detail') ?? stringField(body, 'title'), first && (stringField(first, 'message') ?? stringField(first, 'detail') ?? stringField(first, 'title'))].filter(
    (part): part is string => part !== undefined,
  );
  const detail = [...new Set(parts)].join(' — ');
  const xErrorCode = first && typeof first.code === 'number' ? first.code : undefined;
  const problem = /\/2\/problems\/([\w-]+)$/.exec(stringField(body, 'type') ?? '')?.[1];
  const reason = stringField(body, 'reason');
  return {
    ...(detail ? { detail } : {}),
    ...(xErrorCode !== undefined ? { xErrorCode } : {}),
    ...(problem ? { problem } : {}),
    ...(reason ? { reason } : {}),
  };
}

function readNonJsonBody(text: string): Pick<XErrorDetails, 'detail' | 'xErrorCode'> {
  const xml = /<error[^>]*\bcode="(\d+)"[^>]*>([^<]*)<\/error>/i.exec(text);
  if (xml) return { xErrorCode: Number(xml[1]), detail: xml[2].trim() };
  if (/^\s*</.test(text)) return {}; // an HTML error page says nothing useful
  return { detail: text.slice(0, 300) };
}

function rateLimitReset(response: XErrorResponse): Date {
  const header = response.headers.get('x-rate-limit-reset');
  if (header && /^\d+$/.test(header.trim())) return new Date(Number(header.trim()) * 1000);
  return new Date(response.nowMs + FALLBACK_RATE_LIMIT_WAIT_MS);
}

function tryParseJson(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
