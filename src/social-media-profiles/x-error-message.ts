import { DomainException } from '../common/domain.exception';
import { XApiError, XRateLimitedError, XUnreachableError } from '../channels/x/x-errors';

/** An X failure as a message the admin can act on: which of keys, permissions, limits or the network. */
export function xErrorAsDomainException(error: unknown): DomainException {
  if (!(error instanceof XApiError)) throw error;
  if (error instanceof XRateLimitedError) {
    return new DomainException('x.error.rate-limited', undefined, { until: error.resetAt.toISOString().slice(0, 19).replace('T', ' ') + ' UTC' });
  }
  if (error instanceof XUnreachableError) return new DomainException(`x.error.unreachable-${error.reason}`);
  return new DomainException(`x.error.${error.code}`, undefined, { detail: error.detail ?? error.message });
}
