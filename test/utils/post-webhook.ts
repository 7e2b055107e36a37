import type { App } from 'supertest/types';
import request from 'supertest';
import { signed } from '../factories/aaa-event.factory';

/** A delivery as X posts it to a profile's webhook URL: JSON, signed with the app's consumer secret. Chain `.expect(…)` on it. */
export function postSignedWebhook(server: App, profileId: number | string, body: string, consumerSecret: string): request.Test {
  return request(server).post(`/webhooks/x/${profileId}`).set('content-type', 'application/json').set('x-twitter-webhooks-signature', signed(body, consumerSecret).signature).send(body);
}
