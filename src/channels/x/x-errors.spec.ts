import { XApiError, XBadRequestError, XDuplicateError, XForbiddenError, XInvalidCredentialsError, XRateLimitedError, XServerError, XUnexpectedResponseError, XUnreachableError } from './x-errors';

describe('X errors', () => {
  it.each([
    [new XInvalidCredentialsError({ status: 401 }), 'invalid-credentials', false],
    [new XForbiddenError({ status: 403 }), 'forbidden', false],
    [new XDuplicateError({ status: 403 }), 'duplicate', false],
    [new XRateLimitedError(new Date(0), { status: 429 }), 'rate-limited', true],
    [new XServerError({ status: 503 }), 'server-error', true],
    [new XUnreachableError('timeout'), 'unreachable', true],
    [new XBadRequestError({ status: 400 }), 'bad-request', false],
    [new XUnexpectedResponseError({ status: 200 }), 'unexpected-response', false],
  ])('%s has the stable code %j (retryable: %j)', (error, code, retryable) => {
    expect(error).toBeInstanceOf(XApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it("appends X's detail to the message and keeps status, detail and X's code", () => {
    const error = new XForbiddenError({ status: 403, detail: 'Your App cannot perform write actions.', xErrorCode: 261 });
    expect(error.message).toBe('X refused the request: Your App cannot perform write actions.');
    expect(error).toMatchObject({ status: 403, detail: 'Your App cannot perform write actions.', xErrorCode: 261 });
    expect(error.name).toBe('XForbiddenError');
  });

  it('keeps the reset time of a rate limit and the reason and cause of an unreachable X', () => {
    const resetAt = new Date('2030-01-01T00:00:00Z');
    expect(new XRateLimitedError(resetAt).resetAt).toBe(resetAt);
    const cause = new Error('ECONNREFUSED');
    const unreachable = new XUnreachableError('network', { cause });
    expect(unreachable).toMatchObject({ reason: 'network', cause });
    expect(unreachable.message).toBe('X could not be reached');
  });
});
