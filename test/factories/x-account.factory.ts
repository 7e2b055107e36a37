import type { FakeXApi } from '../support/fake-x-api';

/** An X app and the account that authorised it, registered with the fake X API. */
export function registerXAccount(fakeX: FakeXApi, overrides: Partial<typeof defaults> = {}) {
  const account = { ...defaults, ...overrides };
  fakeX.registerApp({ consumerKey: account.consumerKey, consumerSecret: account.consumerSecret, name: 'Helpdesk App' });
  fakeX.registerUser({
    id: account.userId,
    username: account.username,
    name: account.name,
    accessToken: account.accessToken,
    accessTokenSecret: account.accessTokenSecret,
    consumerKey: account.consumerKey,
  });
  return account;
}

const defaults = {
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  accessToken: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  accessTokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  userId: '1790000000000000042',
  username: 'acme_support',
  name: 'ACME Support',
};
