import { startFakeXApi, type FakeXMode } from './fake-x-api';
import { startFakeXControlServer } from './fake-x/control-server';

/**
 * `npm run fake-x`: a fake X API for manual runs of the app (point X_API_BASE_URL at it).
 * Registers one demo app and one demo account, from FAKE_X_* variables or the defaults below,
 * and a control endpoint on 127.0.0.1 that the commands below use to play the customer:
 *
 *   npm run fake-x                                   start the fake (prints what to paste where)
 *   npm run fake-x -- subscribe <webhook url>        send the demo account's events there
 *   npm run fake-x -- send dm "Hello" [--from handle]
 *   npm run fake-x -- send mention "Help!" [--from handle]
 *   npm run fake-x -- send reply "Thanks" --to <tweet id> [--from handle]
 *   npm run fake-x -- send tweet "#demo …" [--from handle]   public only: found by polling search
 *   npm run fake-x -- redeliver                      the last webhook POST again (X's duplicates)
 *   npm run fake-x -- echo off|after-response|before-response
 *   npm run fake-x -- deliveries                     the last webhook POSTs and the app's answers
 */

const MODES: FakeXMode[] = ['normal', 'forbidden', 'rate-limited', 'slow', 'server-error', 'duplicate'];
const SEND_KINDS = ['dm', 'mention', 'reply', 'tweet'];

function controlPort(): number {
  const port = Number(process.env.FAKE_X_CONTROL_PORT ?? 4011);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`FAKE_X_CONTROL_PORT is not a port: ${process.env.FAKE_X_CONTROL_PORT}`);
  }
  return port;
}

async function start(): Promise<void> {
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
  const control = await startFakeXControlServer(
    fake,
    { consumerKey: app.consumerKey, userId: user.id, username: user.username },
    controlPort(),
  );
  const portHint = controlPort() === 4011 ? '' : `FAKE_X_CONTROL_PORT=${controlPort()} `;
  const cli = `${portHint}npm run fake-x --`;

  // These are demo credentials for a fake; printing them is the point.
  console.log(`fake X API listening on ${fake.baseUrl} (mode: ${mode})

1. Start socialdesk with X_API_BASE_URL=${fake.baseUrl}
2. In the Twitter profile wizard paste:
     consumer key         ${app.consumerKey}
     consumer secret      ${app.consumerSecret}
     access token         ${user.accessToken}
     access token secret  ${user.accessTokenSecret}
   (the account is @${user.username}, "${user.name}", id ${user.id})
3. Copy the webhook URL shown in step 1 of the wizard and subscribe it (again after each restart of the fake):
     ${cli} subscribe http://localhost:3000/webhooks/x/<profile id>
4. Play the customer:
     ${cli} send dm "Hello, my order has not arrived" [--from alice]
     ${cli} send mention "Is anyone there?" [--from bob]
     ${cli} send reply "Thanks!" --to <tweet id> [--from bob]
     ${cli} send tweet "#${user.username} rocks" [--from carol]     (public: only polling search finds it)
     ${cli} redeliver                                (the last webhook POST again, like X's retries)
     ${cli} echo before-response                     (off | after-response | before-response)
     ${cli} deliveries                               (what the app answered)

Control endpoint ${control.url} (127.0.0.1 only). Ctrl+C to stop.`);

  if (env.FAKE_X_WEBHOOK_URL) {
    fake.subscribeWebhook({ url: env.FAKE_X_WEBHOOK_URL, consumerKey: app.consumerKey, forUserId: user.id });
    console.log(`subscribed ${env.FAKE_X_WEBHOOK_URL} (FAKE_X_WEBHOOK_URL)`);
  }

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
  if (name === 'subscribe' && rest.length === 1) {
    path = 'subscribe';
    body = { url: rest[0] };
  } else if (name === 'send' && SEND_KINDS.includes(rest[0]) && rest.length >= 2) {
    path = rest[0];
    body = { text: rest.slice(1).join(' '), ...(flags.from ? { from: flags.from } : {}), ...(flags.to ? { to: flags.to } : {}) };
  } else if (name === 'redeliver' && rest.length === 0) {
    path = 'redeliver';
  } else if (name === 'echo' && rest.length === 1) {
    path = 'echo';
    body = { mode: rest[0] };
  } else if (name === 'deliveries' && rest.length === 0) {
    path = 'deliveries';
  } else {
    throw new Error(`usage:
  fake-x-cli.ts [start]
  fake-x-cli.ts subscribe <webhook url>
  fake-x-cli.ts send dm|mention|tweet "<text>" [--from <handle>]
  fake-x-cli.ts send reply "<text>" --to <tweet id> [--from <handle>]
  fake-x-cli.ts redeliver
  fake-x-cli.ts echo off|after-response|before-response
  fake-x-cli.ts deliveries`);
  }

  const url = `http://127.0.0.1:${controlPort()}/_control/${path}`;
  let response: Response;
  try {
    response = await fetch(url, path === 'deliveries' ? {} : {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(`no fake X control endpoint at ${url} — is \`npm run fake-x\` running?`);
  }
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(String(answer.error ?? `control endpoint answered ${response.status}`));
  console.log(summary(path, answer));
  const status = answer.status;
  if (typeof status === 'number' && status !== 200) process.exitCode = 2;
}

function summary(path: string, answer: Record<string, unknown>): string {
  const webhook = (status: unknown) =>
    status === 0 ? 'the webhook did not answer (is the app running, and subscribed?)' : `the webhook answered ${String(status)}`;
  switch (path) {
    case 'subscribe': {
      const crc = answer.crc as { ok: boolean; status: number; elapsedMs: number };
      return `subscribed ${String(answer.subscribed)} for user ${String(answer.forUserId)}; CRC check ${
        crc.ok ? `passed (${crc.elapsedMs} ms)` : `FAILED (HTTP ${crc.status}) — X would not deliver to this URL`
      }`;
    }
    case 'dm':
      return `DM ${String(answer.eventId)} delivered; ${webhook(answer.status)}`;
    case 'mention':
    case 'reply':
      return `tweet ${String(answer.tweetId)} delivered; ${webhook(answer.status)}`;
    case 'tweet':
      return `tweet ${String(answer.tweetId)} posted on the public timeline (no webhook; polling search finds it)`;
    case 'redeliver':
      return `redelivered the last ${String(answer.kind)}; ${webhook(answer.status)}`;
    case 'echo':
      return `echo mode is now ${String(answer.echoMode)}`;
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
const run = args.length === 0 || (args.length === 1 && args[0] === 'start') ? start() : command(args);
run.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
