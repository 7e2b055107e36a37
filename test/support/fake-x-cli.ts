import { startFakeXApi, type FakeXMode } from './fake-x-api';

/**
 * `npm run fake-x`: a fake X API for manual runs of the app (point X_API_BASE_URL at it).
 * Registers one demo app and one demo account, from FAKE_X_* variables or the defaults below.
 */

const MODES: FakeXMode[] = ['normal', 'forbidden', 'rate-limited', 'slow', 'server-error', 'duplicate'];

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.FAKE_X_PORT ?? 4010);
  const host = env.FAKE_X_HOST ?? '127.0.0.1';
  const app = {
    consumerKey: env.FAKE_X_CONSUMER_KEY ?? 'demo-consumer-key',
    consumerSecret: env.FAKE_X_CONSUMER_SECRET ?? 'demo-consumer-secret',
    name: env.FAKE_X_APP_NAME ?? 'socialdesk demo',
  };
  const user = {
    id: env.FAKE_X_USER_ID ?? '1600000000000000001',
    username: env.FAKE_X_USERNAME ?? 'socialdesk_demo',
    name: env.FAKE_X_NAME ?? 'socialdesk Demo',
    accessToken: env.FAKE_X_ACCESS_TOKEN ?? '1600000000000000001-demoAccessToken',
    accessTokenSecret: env.FAKE_X_ACCESS_TOKEN_SECRET ?? 'demo-access-token-secret',
    consumerKey: app.consumerKey,
  };
  const mode = (env.FAKE_X_MODE ?? 'normal') as FakeXMode;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`FAKE_X_PORT is not a port: ${env.FAKE_X_PORT}`);
  if (!MODES.includes(mode)) throw new Error(`FAKE_X_MODE must be one of ${MODES.join(', ')}`);

  const fake = await startFakeXApi({ port, host });
  fake.registerApp(app);
  fake.registerUser(user);
  fake.setMode(mode);

  // These are demo credentials for a fake; printing them is the point.
  console.log(`fake X API listening on ${fake.baseUrl} (mode: ${mode})`);
  console.log(`  app      consumer key ${app.consumerKey} / consumer secret ${app.consumerSecret}`);
  console.log(`  account  @${user.username} (${user.name}), id ${user.id}`);
  console.log(`           access token ${user.accessToken} / secret ${user.accessTokenSecret}`);
  console.log(`  set X_API_BASE_URL=${fake.baseUrl} in the app; Ctrl+C to stop`);

  const stop = (): void => {
    fake.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
