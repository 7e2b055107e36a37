/** The fake X API's HTTP answers, in the shapes X uses (docs/X.md, "Signing a request" and "Errors, and what the admin sees"). */

export interface Answer {
  status: number;
  /** Media files are bytes. */
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
  /** Webhook deliveries this call causes (the echo of a sent tweet or DM); see FakeXEchoMode. */
  echoes?: Array<() => Promise<unknown>>;
}

export function json(status: number, body: unknown): Answer {
  return rawJson(status, JSON.stringify(body));
}

export function rawJson(status: number, body: string): Answer {
  return { status, body, contentType: 'application/json; charset=utf-8' };
}

export function v11Error(status: number, code: number, message: string): Answer {
  return json(status, { errors: [{ code, message }] });
}

export function v2Unauthorized(): Answer {
  return json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
}

export function v2TooManyRequests(): Answer {
  return json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
}

/** X's 400 for a bad parameter: the problem on top, which parameter in errors[]. */
export function invalidRequest(message: string, parameters?: Record<string, string[]>): Answer {
  return json(400, {
    errors: [{ ...(parameters ? { parameters } : {}), message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.x.com/2/problems/invalid-request',
  });
}

export function callbackNotApproved(): Answer {
  return v11Error(403, 415, 'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings');
}

export function form(status: number, fields: Record<string, string>): Answer {
  return { status, body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}

export function text(status: number, body: string): Answer {
  return { status, body, contentType: 'text/plain; charset=utf-8' };
}

export function html(status: number, body: string): Answer {
  return {
    status,
    body: '<!doctype html><html lang="en"><head><meta charset="utf-8">' + `<title>X / Authorize an application</title></head><body>${body}</body></html>`,
    contentType: 'text/html; charset=utf-8',
  };
}

export function redirect(location: string): Answer {
  return { status: 302, body: '', contentType: 'text/plain', headers: { location } };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A v2 `{"data":{…}}`; with idsAsJsonNumbers the `*id` fields are bare JSON numbers (X never does that). */
export function v2Data(status: number, data: Record<string, unknown>, idsAsJsonNumbers = false): Answer {
  if (!idsAsJsonNumbers) return json(status, { data });
  // Ids as bare numbers, exactly as long as they are: JSON.stringify cannot write them.
  const fields = Object.entries(data).map(([key, value]) =>
    /(^|_)id$/.test(key) && typeof value === 'string' && /^\d+$/.test(value) ? `${JSON.stringify(key)}:${value}` : `${JSON.stringify(key)}:${JSON.stringify(value)}`,
  );
  return rawJson(status, `{"data":{${fields.join(',')}}}`);
}

/** v1.1 objects carry the id twice: as a (lossy in JavaScript) number and as id_str. */
export function v11Id(id: string): string {
  return `"id":${id},"id_str":"${id}"`;
}

/** `"a":"…","b":"…"` for embedding next to hand-written numeric ids. */
export function jsonFields(fields: Record<string, string>): string {
  return JSON.stringify(fields).slice(1, -1);
}
