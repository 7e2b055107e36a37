import { invalidRequest, json, v2Data, type Answer } from './answers';
import type { FakeXTimeline } from './timeline';

/**
 * GET /2/users/by/username/:username over the people the fake knows, with X's answers: 200
 * `{"data":{id,name,username}}`; 200 with only `errors[]` for an unknown handle ("Not Found Error")
 * or a suspended account ("Forbidden", "User has been suspended"), both typed
 * `…/problems/resource-not-found`; 400 for a name X's rule refuses.
 */
export class FakeXUserLookup {
  private readonly suspended = new Set<string>();

  constructor(private readonly timeline: FakeXTimeline) {}

  suspend(username: string): void {
    this.suspended.add(username.toLowerCase());
  }

  answer(rawUsername: string, idsAsJsonNumbers: boolean): Answer {
    const username = safeDecode(rawUsername);
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) {
      return invalidRequest(`The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`, { username: [username] });
    }
    const problem = (title: string, detail: string) =>
      json(200, { errors: [{ value: username, detail, title, resource_type: 'user', parameter: 'username', resource_id: username, type: 'https://api.twitter.com/2/problems/resource-not-found' }] });
    if (this.suspended.has(username.toLowerCase())) return problem('Forbidden', `User has been suspended: [${username}].`);
    const person = this.timeline.personByUsername(username);
    if (!person) return problem('Not Found Error', `Could not find user with username: [${username}].`);
    return v2Data(200, { id: person.id, name: person.name, username: person.username }, idsAsJsonNumbers);
  }

  clear(): void {
    this.suspended.clear();
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
