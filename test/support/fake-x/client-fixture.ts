import { XApiClient, type XCredentials } from '../../../src/channels/x/x-api-client';
import { startFakeXApi, type FakeXApi } from '../fake-x-api';

/** The X app the XApiClient specs sign with. */
export const TEST_APP = { consumerKey: 'client-spec-consumer-key', consumerSecret: 'client-spec-consumer-secret', name: 'socialdesk test' };

/** The help desk's X account (user context). Its id is > 2^53: it would be rounded if it ever went through a JSON number. */
export const HELPDESK = {
  id: '1498765432109876543',
  username: 'acme_help',
  name: 'ACME Help',
  accessToken: '1498765432109876543-helpdeskAccessToken',
  accessTokenSecret: 'helpdesk-access-token-secret',
  consumerKey: TEST_APP.consumerKey,
};

/** A customer who writes to the help desk. */
export const ALICE = { id: '1205290247124217856', username: 'alice', name: 'Alice Example' };

/** What the client signs with for an account of the test app. */
export function credentialsOf(account: { accessToken: string; accessTokenSecret: string }): XCredentials {
  return { consumerKey: TEST_APP.consumerKey, consumerSecret: TEST_APP.consumerSecret, accessToken: account.accessToken, accessTokenSecret: account.accessTokenSecret };
}

/** A fake X that knows the test app and these accounts, and a real client of it over HTTP. */
export async function startFakeXClient(accounts: (typeof HELPDESK)[] = [HELPDESK]): Promise<{ fake: FakeXApi; client: XApiClient }> {
  const fake = await startFakeXApi();
  fake.registerApp(TEST_APP);
  for (const account of accounts) fake.registerUser(account);
  return { fake, client: new XApiClient({ baseUrl: fake.baseUrl, timeoutMs: 2_000 }) };
}
