import { startFakeXApi, type FakeXMode } from './fake-x-api';
import { FAKE_X_MODES, startFakeXControlServer } from './fake-x/control-server';

/**
 * `npm run fake-x`: a fake X API for manual runs of the app (point X_API_BASE_URL at it).
 * Registers one demo app and one demo account, from FAKE_X_* variables or the defaults below,
 * and a control endpoint on 127.0.0.1 that the commands below use to play the customer:
 *
 *   npm run fake-x [-- --strict]                     start the fake (prints what to paste where)
 *   npm run fake-x -- send dm "Hello" [--from handle]
 *   npm run fake-x -- send mention "Help!" [--from handle]
 *   npm run fake-x -- send reply "Thanks" --to <tweet id> [--from handle]
 *   npm run fake-x -- send tweet "#demo …" [--from handle]   public only: found by polling search
 *   npm run fake-x -- redeliver                      the last webhook POST again (X's duplicates)
 *   npm run fake-x -- echo off|after-response|before-response
 *   npm run fake-x -- mode normal|server-error|rate-limited|forbidden|slow|duplicate
 *   npm run fake-x -- crc                            X's periodic CRC check of every webhook, now
 *   npm run fake-x -- webhooks                       the webhooks the app registered, valid, subscribed
 *   npm run fake-x -- deliveries                     the last webhook POSTs and the app's answers
 *
 * The app registers its webhook and subscribes the account itself (wizard, "Save and finish").
 * X accepts only public https webhook URLs without a port; for a demo on one machine the fake also
 * takes http://localhost:PORT/… (its loopback demo), unless started with --strict.
 */

const SEND_KINDS = ['dm', 'mention', 'reply', 'tweet'];

function controlPort(): number {
  const port = Number(process.env.FAKE_X_CONTROL_PORT ?? 4011);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`FAKE_X_CONTROL_PORT is not a port: ${process.env.FAKE_X_CONTROL_PORT}`);
  }
  return port;
}

async function start(strict: boolean): Promise<void> {
  const env = process.env;
  const port = Number(env.FAKE_X_PORT ?? 4010);
  const host = env.FAKE_X_HOST ?? '127.0.0.1';
  const app = {
    consumerKey: env.FAKE_X_CONSUMER_KEY ?? 'demo-consumer-key',
    consumerSecret: env.FAKE_X_CONSUMER_SECRET ?? 'demo-consumer-secret',
    name: env.FAKE_X_APP_NAME ?? 'socialdesk demo',
    accountActivity: env.FAKE_X_ACCOUNT_ACTIVITY !== 'off',
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
  if (!FAKE_X_MODES.includes(mode)) throw new Error(`FAKE_X_MODE must be one of ${FAKE_X_MODES.join(', ')}`);
  const webhooksPerApp = Number(env.FAKE_X_WEBHOOKS_PER_APP ?? 1);
  if (!Number.isInteger(webhooksPerApp) || webhooksPerApp < 1) throw new Error('FAKE_X_WEBHOOKS_PER_APP must be a whole number of at least 1');

  const time = () => new Date().toISOString().slice(11, 19);
  const fake = await startFakeXApi({ port, host, loopbackDemo: !strict, webhooksPerApp, log: (line) => console.log(`[${time()}] ${line}`) });
  fake.registerApp(app);
  fake.registerUser(user);
  fake.setMode(mode);
  const control = await startFakeXControlServer(fake, { consumerKey: app.consumerKey, userId: user.id, username: user.username }, controlPort());
  const portHint = controlPort() === 4011 ? '' : `FAKE_X_CONTROL_PORT=${controlPort()} `;
  const cli = `${portHint}npm run fake-x --`;
  // The app's address as the app itself will compute it (same variables, same default).
  const appUrl = (env.BASE_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '');
  const appPort = env.PORT ? `PORT=${env.PORT} ` : '';

  // These are demo credentials for a fake; printing them is the point.
  console.log(`fake X API listening on ${fake.baseUrl} (mode: ${mode}${strict ? ', strict: public https webhooks only' : ', loopback demo: http://localhost webhooks accepted'})

1. Start socialdesk:  ${appPort}X_API_BASE_URL=${fake.baseUrl} npm start   and open ${appUrl}
2. Admin → Social media profiles → Add Twitter profile; in the wizard paste:
     consumer key         ${app.consumerKey}
     consumer secret      ${app.consumerSecret}
     access token         ${user.accessToken}
     access token secret  ${user.accessTokenSecret}
   (the account is @${user.username}, "${user.name}", id ${user.id})
   Keep "Webhook" as receiving mode: "Save and finish" registers ${appUrl}/webhooks/x/<profile id>
   here and subscribes the account — watch this console.
3. Play the customer:
     ${cli} send dm "Hello, my order has not arrived" [--from alice]
     ${cli} send mention "Is anyone there?" [--from bob]
     ${cli} send reply "Thanks!" --to <tweet id> [--from bob]
     ${cli} send tweet "#${user.username} rocks" [--from carol]     (public: only polling search finds it)
     ${cli} redeliver                                (the last webhook POST again, like X's retries)
     ${cli} echo before-response                     (off | after-response | before-response)
4. Make trouble and watch the profile list:
     ${cli} mode server-error                        (normal | server-error | rate-limited | forbidden | slow | duplicate)
     ${cli} crc                                      (X's periodic CRC check of the webhooks, now)
     ${cli} webhooks                                 (registered webhooks: valid? subscribed?)
     ${cli} deliveries                               (what the app answered)

Control endpoint ${control.url} (127.0.0.1 only). Ctrl+C to stop.`);

  const stop = (): void => {
    Promise.all([control.close(), fake.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The companion commands: one request to the running fake's control endpoint. */
async function command(args: string[]): Promise<void> {
  const { positional, flags } = parseArgs(args);
  const [name, ...rest] = positional;
  let path: string;
  let body: Record<string, string> = {};
  if (name === 'send' && SEND_KINDS.includes(rest[0]) && rest.length >= 2) {
    path = rest[0];
    body = { text: rest.slice(1).join(' '), ...(flags.from ? { from: flags.from } : {}), ...(flags.to ? { to: flags.to } : {}) };
  } else if (name === 'redeliver' && rest.length === 0) {
    path = 'redeliver';
  } else if (name === 'echo' && rest.length === 1) {
    path = 'echo';
    body = { mode: rest[0] };
  } else if (name === 'mode' && rest.length === 1) {
    path = 'mode';
    body = { mode: rest[0] };
  } else if ((name === 'deliveries' || name === 'webhooks' || name === 'crc') && rest.length === 0) {
    path = name;
  } else {
    throw new Error(`usage:
  fake-x-cli.ts [start] [--strict]
  fake-x-cli.ts send dm|mention|tweet "<text>" [--from <handle>]
  fake-x-cli.ts send reply "<text>" --to <tweet id> [--from <handle>]
  fake-x-cli.ts redeliver
  fake-x-cli.ts echo off|after-response|before-response
  fake-x-cli.ts mode ${FAKE_X_MODES.join('|')}
  fake-x-cli.ts crc | webhooks | deliveries`);
  }

  const url = `http://127.0.0.1:${controlPort()}/_control/${path}`;
  let response: Response;
  try {
    response = await fetch(
      url,
      path === 'deliveries' || path === 'webhooks'
        ? {}
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
  } catch {
    throw new Error(`no fake X control endpoint at ${url} — is \`npm run fake-x\` running?`);
  }
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(typeof answer.error === 'string' ? answer.error : `control endpoint answered ${response.status}`);
  console.log(summary(path, answer));
  const status = answer.status;
  if (typeof status === 'number' && status !== 200) process.exitCode = 2;
}

function summary(path: string, answer: Record<string, unknown>): string {
  const webhook = (status: unknown, delivered: unknown) => {
    if (delivered === false) return 'X delivered it to no webhook (none valid with the account subscribed): socialdesk sees it only by polling';
    return status === 0 ? 'the webhook did not answer (is the app running?)' : `the webhook answered ${String(status)}`;
  };
  switch (path) {
    case 'dm':
      return `DM ${String(answer.eventId)} sent to the account; ${webhook(answer.status, answer.delivered)}`;
    case 'mention':
    case 'reply':
      return `tweet ${String(answer.tweetId)} posted; ${webhook(answer.status, answer.delivered)}`;
    case 'tweet':
      return `tweet ${String(answer.tweetId)} posted on the public timeline (no webhook; polling search finds it)`;
    case 'redeliver':
      return `redelivered the last ${String(answer.kind)}; ${webhook(answer.status, true)}`;
    case 'echo':
      return `echo mode is now ${String(answer.echoMode)}`;
    case 'mode':
      return `X now answers in mode ${String(answer.mode)}`;
    case 'crc':
    case 'webhooks': {
      const list = answer.webhooks as Array<{ id: string; url: string; valid: boolean; subscribed: boolean }>;
      if (list.length === 0) return 'no webhook registered (the app registers one on "Save and finish" in webhook mode)';
      return list.map((w) => `webhook ${w.id} ${w.url}: ${w.valid ? 'valid' : 'INVALID'}, account ${w.subscribed ? 'subscribed' : 'not subscribed'}`).join('\n');
    }
    default:
      return JSON.stringify(answer, null, 2);
  }
}

function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = /^--(from|to)$/.exec(args[i]);
    if (flag) {
      const value = args[++i];
      if (value === undefined) throw new Error(`${args[i - 1]} needs a value`);
      flags[flag[1]] = value;
    } else {
      positional.push(args[i]);
    }
  }
  return { positional, flags };
}

const args = process.argv.slice(2);
const startArgs = args.filter((arg) => arg !== 'start');
const isStart = startArgs.every((arg) => arg === '--strict');
const run = isStart ? start(startArgs.includes('--strict')) : command(args);
run.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
