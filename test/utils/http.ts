import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { ADMIN } from './create-test-app';

/** The CSRF token of the first form in a page. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in page');
  return match[1];
}

/** A cookie-keeping client, like one browser. */
export function browserLike(app: NestExpressApplication): TestAgent {
  return request.agent(app.getHttpServer());
}

/** GETs the form page, then posts the fields with its CSRF token. */
export async function submitForm(client: TestAgent, formPath: string, fields: Record<string, string>, postPath = formPath) {
  const page = await client.get(formPath).expect(200);
  return client
    .post(postPath)
    .type('form')
    .send({ _csrf: csrfTokenOf(page.text), ...fields });
}

export async function logIn(client: TestAgent, login = ADMIN.login, password = ADMIN.password) {
  const res = await submitForm(client, '/login', { login, password });
  if (res.status !== 303 || res.headers.location !== '/') throw new Error(`login as ${login} failed: ${res.status} ${res.headers.location}`);
  return res;
}

/** Follows a 303 and returns the page it leads to. */
export async function follow(client: TestAgent, res: request.Response) {
  if (res.status !== 303) throw new Error(`expected a redirect, got ${res.status}: ${res.text.slice(0, 300)}`);
  return client.get(res.headers.location);
}
