import type { DestinationStream } from 'pino';
import request from 'supertest';
import { XApiClient } from '../../src/channels/x/x-api-client';
import { LOG_DESTINATION } from '../../src/common/request-log';
import { Queue } from '../../src/queues/queue.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { createTestApp, type TestApp } from '../utils/create-test-app';
import { browserLike, csrfTokenOf, logIn } from '../utils/http';

/** The request log as it would reach stdout, one JSON line per entry. */
class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
}

describe('OAuth values, CRC tokens and passwords stay out of logs and sessions', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  const log = new LogCapture();

  beforeAll(async () => {
    fakeX = await startFakeXApi();
    t = await createTestApp({
      env: { X_API_BASE_URL: fakeX.baseUrl, LOG_LEVEL: 'info', BASE_URL: 'https://desk.example.com' },
      override: (b) => b.overrideProvider(LOG_DESTINATION).useValue(log),
    });
  });
  afterAll(async () => {
    await t.close();
    await fakeX.close();
  });

  it('logs the sign-in callback, the redirect to X and the CRC check without their values, and keeps the request-token secret out of the session', async () => {
    const account = registerXAccount(fakeX);
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id, consumerKey: account.consumerKey, consumerSecret: account.consumerSecret });

    const x = t.app.get(XApiClient);
    const issued: { token?: string; secret?: string } = {};
    const requestToken = x.requestToken.bind(x);
    jest.spyOn(x, 'requestToken').mockImplementation(async (...args) => {
      const answer = await requestToken(...args);
      Object.assign(issued, { token: answer.oauthToken, secret: answer.oauthTokenSecret });
      return answer;
    });

    const admin = browserLike(t.app);
    await logIn(admin);
    const step4 = await admin.get(`/admin/social-media-profiles/twitter/${profile.id}/step/4`).expect(200);
    const start = await admin
      .post(`/admin/social-media-profiles/twitter/${profile.id}/sign-in-with-x`)
      .type('form')
      .send({ _csrf: csrfTokenOf(step4.text) });
    expect(start.status).toBe(303);
    expect(issued.secret).toBeTruthy();

    // While the sign-in waits for X, its secret is in no session row in the clear.
    const sessions: { data: string }[] = await t.dataSource.query('SELECT data FROM http_sessions');
    expect(sessions.some((s) => s.data.includes('xSignIn'))).toBe(true);
    expect(sessions.some((s) => s.data.includes(issued.secret!))).toBe(false);

    const callback = new URL(fakeX.approveRequestToken(issued.token!));
    const verifier = callback.searchParams.get('oauth_verifier')!;
    const done = await admin.get(callback.pathname + callback.search);
    expect(done.headers.location).toBe(`/admin/social-media-profiles/twitter/${profile.id}/step/5`);

    const crcToken = 'crc-token-value-that-must-not-be-logged';
    await request(t.app.getHttpServer()).get(`/webhooks/x/${profile.id}?crc_token=${crcToken}`).expect(200);
    await request(t.app.getHttpServer()).get('/login?password=hunter2-in-a-query').expect(200);

    const text = log.text;
    // The requests were logged, with their values replaced.
    expect(text).toContain('/api/v1/external_credentials/twitter/callback?oauth_token=[Redacted]&oauth_verifier=[Redacted]');
    expect(text).toContain(`/webhooks/x/${profile.id}?crc_token=[Redacted]`);
    expect(text).toContain('oauth_token=[Redacted]'); // the Location of the redirect to X
    for (const secret of [issued.token!, issued.secret!, verifier, crcToken, 'hunter2-in-a-query', account.consumerSecret, 'admin-test-password']) {
      expect(text).not.toContain(secret);
    }
  });
});
