import { idString } from './exact-json';

/**
 * The answer of `GET /2/users/by/username/:username`. X answers 200 in every case it can name:
 * `{"data":{id,name,username}}` for an account, or only `errors[]` (a v2 problem, `type`
 * `…/problems/resource-not-found`) for a handle nobody has — `"title":"Not Found Error"` — or whose
 * account is suspended — `"title":"Forbidden"`, `"detail":"User has been suspended: [name]."`.
 */
export type XUserLookup = { kind: 'found'; user: { id: string; username: string; name: string } } | { kind: 'not-found' | 'suspended'; detail: string };

/** X's rule for usernames (the endpoint answers 400 to anything else). */
export const X_USERNAME = /^[A-Za-z0-9_]{1,15}$/;

export function userLookupFromV2(body: unknown): XUserLookup | undefined {
  const root = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const data = root.data as Record<string, unknown> | undefined;
  const id = data && idString(data.id);
  if (data && id && typeof data.username === 'string') {
    return { kind: 'found', user: { id, username: data.username, name: typeof data.name === 'string' ? data.name : data.username } };
  }
  const errors = Array.isArray(root.errors) ? root.errors : [];
  const first = errors.find((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  if (!first) return undefined;
  const detail = typeof first.detail === 'string' ? first.detail : typeof first.title === 'string' ? first.title : '';
  const suspended = first.title === 'Forbidden' || /suspended/i.test(detail);
  return { kind: suspended ? 'suspended' : 'not-found', detail };
}
