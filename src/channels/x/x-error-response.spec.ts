import { xErrorFromResponse } from './x-error-response';
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
} from './x-errors';

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

function errorFor(status: number, body: unknown, headers: Record<string, string> = {}): XApiError {
  return xErrorFromResponse({
    status,
    headers: new Headers(headers),
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    nowMs: NOW_MS,
  });
}

describe("mapping X's error answers to typed errors", () => {
  it('maps the v2 401 problem to invalid credentials', () => {
    const error = errorFor(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    expect(error).toBeInstanceOf(XInvalidCredentialsError);
    expect(error).toMatchObject({ code: 'invalid-credentials', status: 401, detail: 'Unauthorized', retryable: false });
  });

  it('maps v1.1 code 32 and code 89 — even when 89 comes as a 403 — to invalid credentials', () => {
    expect(errorFor(401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] })).toMatchObject({
      code: 'invalid-credentials',
      xErrorCode: 32,
      detail: 'Could not authenticate you.',
    });
    expect(errorFor(403, { errors: [{ code: 89, message: 'Invalid or expired token.' }] })).toBeInstanceOf(XInvalidCredentialsError);
    expect(errorFor(400, { errors: [{ code: 215, message: 'Bad authentication data.' }] })).toBeInstanceOf(XInvalidCredentialsError);
  });

  it("maps a v2 client-forbidden 403 to not-enrolled (a kind of forbidden), keeping X's detail and reason", () => {
    const error = errorFor(403, {
      client_id: '123',
      title: 'Client Forbidden',
      detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens ' + 'from a Twitter developer App that is attached to a Project.',
      reason: 'client-not-enrolled',
      type: 'https://api.x.com/2/problems/client-forbidden',
    });
    expect(error).toBeInstanceOf(XForbiddenError);
    expect(error).toBeInstanceOf(XNotEnrolledError);
    expect(error.name).toBe('XNotEnrolledError');
    expect(error).toMatchObject({ code: 'not-enrolled', problem: 'client-forbidden', problemReason: 'client-not-enrolled' });
    expect(error.detail).toMatch(/attached to a Project/);
    expect(error.message).toMatch(/attached to a Project/);
  });

  it('maps the v2 and v1.1 duplicate answers to duplicate, not forbidden', () => {
    const v2 = errorFor(403, {
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });
    const v11 = errorFor(403, { errors: [{ code: 187, message: 'Status is a duplicate.' }] });
    for (const error of [v2, v11]) {
      expect(error).toBeInstanceOf(XDuplicateError);
      expect(error).not.toBeInstanceOf(XForbiddenError);
      expect(error.code).toBe('duplicate');
    }
  });

  it('maps 429 to rate limited with resetAt from x-rate-limit-reset (epoch seconds)', () => {
    const error = errorFor(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, { 'x-rate-limit-reset': '1767272400' });
    expect(error).toBeInstanceOf(XRateLimitedError);
    expect((error as XRateLimitedError).resetAt.toISOString()).toBe('2026-01-01T13:00:00.000Z');
    expect(error.retryable).toBe(true);
  });

  it('waits a minute when a 429 has no usable reset header', () => {
    const error = errorFor(429, '', { 'x-rate-limit-reset': 'soon' }) as XRateLimitedError;
    expect(error.resetAt.getTime()).toBe(NOW_MS + 60_000);
  });

  it('maps 5xx to server error', () => {
    expect(errorFor(503, { errors: [{ code: 130, message: 'Over capacity' }] })).toMatchObject({
      code: 'server-error',
      status: 503,
      detail: 'Over capacity',
      retryable: true,
    });
    expect(errorFor(500, '<html><body>oops</body></html>')).toBeInstanceOf(XServerError);
  });

  it('maps other 4xx to bad request, naming the invalid parameter', () => {
    const error = errorFor(400, {
      errors: [{ parameters: { text: ['x'] }, message: 'Your text is too long.' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.x.com/2/problems/invalid-request',
    });
    expect(error).toBeInstanceOf(XBadRequestError);
    expect(error.detail).toBe('One or more parameters to your request was invalid. — Your text is too long.');
  });

  it('reads the XML errors of the oauth endpoints', () => {
    const error = errorFor(403, '<?xml version="1.0" encoding="UTF-8"?><errors><error code="415">Callback URL not approved for this client application.</error></errors>');
    expect(error).toMatchObject({ code: 'forbidden', xErrorCode: 415, detail: 'Callback URL not approved for this client application.' });
  });

  it('keeps short plain-text bodies as the detail', () => {
    expect(errorFor(401, 'Invalid request token.').detail).toBe('Invalid request token.');
  });

  it('treats a redirect as unexpected', () => {
    expect(errorFor(302, '')).toBeInstanceOf(XUnexpectedResponseError);
  });

  it.each([
    ['CrcValidationFailed', 'Invalid response_token', 'webhook-crc-failed'],
    ['UrlValidationFailed', 'The URL must use https', 'webhook-url-invalid'],
    ['DuplicateUrlFailed', 'This URL is already registered', 'webhook-duplicate-url'],
    ['WebhookLimitExceeded', 'Too many resources already created.', 'webhook-limit-exceeded'],
  ])('maps the V2 Webhooks API refusal %s to %s', (reason, explanation, code) => {
    const error = errorFor(400, {
      errors: [{ message: `${reason}: ${explanation}` }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.x.com/2/problems/invalid-request',
    });
    expect(error).toBeInstanceOf(XWebhookRejectedError);
    expect(error).toMatchObject({ code, rejection: reason, status: 400, retryable: false, problem: 'invalid-request' });
    expect(error.detail).toContain(explanation);
  });

  it('does not take a word inside another for a webhook refusal, nor a refusal outside a 400', () => {
    expect(errorFor(400, { errors: [{ message: 'NotCrcValidationFailedReally' }] })).toBeInstanceOf(XBadRequestError);
    expect(errorFor(503, { detail: 'CrcValidationFailed' })).toBeInstanceOf(XServerError);
  });

  it('maps the oauth2/token refusal (403, code 99) to invalid credentials', () => {
    const error = errorFor(403, { errors: [{ code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' }] });
    expect(error).toBeInstanceOf(XInvalidCredentialsError);
    expect(error).toMatchObject({ xErrorCode: 99, detail: 'Unable to verify your credentials' });
  });

  it('names each error class after itself and keeps it an Error', () => {
    const error = errorFor(401, '');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('XInvalidCredentialsError');
  });
});
