import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeXApi, FakeXEchoMode, FakeXMode } from '../fake-x-api';
import type { FakeXPerson } from './timeline';

/**
 * The control endpoint of `npm run fake-x`: lets a person (or `fake-x-cli.ts send …`) play the
 * customer of a demo — send a DM or a mention, redeliver, switch X into trouble (server errors,
 * rate limits), run X's periodic CRC check, list the webhooks the app registered. It listens on 127.0.0.1 only, and takes JSON bodies only (a web page cannot send
 * those cross-origin without a preflight, which it never answers).
 */

export interface FakeXDemoAccount {
  consumerKey: string;
  userId: string;
  username: string;
}

export interface FakeXControlServer {
  url: string;
  close(): Promise<void>;
}

const ECHO_MODES: FakeXEchoMode[] = ['off', 'after-response', 'before-response'];
export const FAKE_X_MODES: FakeXMode[] = ['normal', 'forbidden', 'rate-limited', 'slow', 'server-error', 'duplicate'];
const DEFAULT_CUSTOMER = 'happy_customer';
const MAX_BODY_BYTES = 100_000;

export async function startFakeXControlServer(fake: FakeXApi, account: FakeXDemoAccount, port = 0): Promise<FakeXControlServer> {
  /** Whether the demo account is subscribed to any webhook: without one, X only keeps messages for polling. */
  const hasSubscription = () => fake.webhookRegistrations().some((registration) => registration.subscribers.includes(account.userId));
  const webhookList = () => fake.webhookRegistrations().map(({ id, url, valid, subscribers }) => ({ id, url, valid, subscribed: subscribers.includes(account.userId) }));

  async function handle(req: IncomingMessage): Promise<[number, unknown]> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/_control/deliveries') {
      return [200, fake.deliveries.slice(-20).map(({ kind, url, forUserId, echo, status, error }) => ({ kind, url, forUserId, echo, status, error }))];
    }
    if (req.method === 'GET' && path === '/_control/webhooks') return [200, { webhooks: webhookList() }];
    if (req.method !== 'POST') return [405, { error: 'POST a JSON body' }];
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return [415, { error: 'content-type must be application/json' }];
    const body = await readJson(req);

    switch (path) {
      case '/_control/dm': {
        const input = { from: customer(optionalString(body, 'from')), toUserId: account.userId, text: requiredString(body, 'text') };
        if (!hasSubscription()) return [200, { eventId: fake.postDirectMessage(input).eventId, status: 0, delivered: false }];
        const result = await fake.deliverDirectMessage(input);
        return [200, { eventId: result.eventId, status: result.status, delivered: result.deliveries.length > 0 }];
      }
      case '/_control/mention': {
        const text = requiredString(body, 'text');
        const mention = `@${account.username}`;
        const input = { author: customer(optionalString(body, 'from')), text: text.toLowerCase().includes(mention.toLowerCase()) ? text : `${mention} ${text}` };
        if (!hasSubscription()) return [200, { tweetId: fake.postPublicTweet(input).tweetId, status: 0, delivered: false }];
        const result = await fake.deliverTweet(input);
        return [200, { tweetId: result.tweetId, status: result.status, delivered: result.deliveries.length > 0 }];
      }
      case '/_control/reply': {
        const input = { author: customer(optionalString(body, 'from')), text: requiredString(body, 'text'), inReplyToTweetId: requiredString(body, 'to') };
        if (!hasSubscription()) return [200, { tweetId: fake.postPublicTweet(input).tweetId, status: 0, delivered: false }];
        const result = await fake.deliverTweet(input);
        return [200, { tweetId: result.tweetId, status: result.status, delivered: result.deliveries.length > 0 }];
      }
      case '/_control/tweet': {
        const { tweetId } = fake.postPublicTweet({ author: customer(optionalString(body, 'from')), text: requiredString(body, 'text') });
        return [200, { tweetId }];
      }
      case '/_control/mode': {
        const mode = requiredString(body, 'mode') as FakeXMode;
        if (!FAKE_X_MODES.includes(mode)) throw new ControlError(`mode must be one of ${FAKE_X_MODES.join(', ')}`);
        fake.setMode(mode);
        return [200, { mode }];
      }
      case '/_control/crc': {
        await fake.recheckWebhooks();
        return [200, { webhooks: webhookList() }];
      }
      case '/_control/redeliver': {
        const delivery = await fake.redeliverLast();
        return [200, { status: delivery.status, kind: delivery.kind }];
      }
      case '/_control/echo': {
        const mode = requiredString(body, 'mode') as FakeXEchoMode;
        if (!ECHO_MODES.includes(mode)) throw new ControlError(`mode must be one of ${ECHO_MODES.join(', ')}`);
        fake.setEchoMode(mode);
        return [200, { echoMode: mode }];
      }
      default:
        return [404, { error: `unknown command ${path}` }];
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // handle()'s errors become the 400/409 answer below; nothing is left to reject.
    void handle(req)
      .catch((error: unknown): [number, unknown] => [error instanceof ControlError ? 400 : 409, { error: error instanceof Error ? error.message : String(error) }])
      .then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A customer with a stable made-up id (> 2^53) per handle, so repeated DMs come from one person. */
export function customer(handle = DEFAULT_CUSTOMER): FakeXPerson {
  const username = handle.replace(/^@/, '');
  if (!/^\w{1,15}$/.test(username)) throw new ControlError(`not an X handle: ${handle}`);
  const hash = createHash('sha256').update(username.toLowerCase()).digest('hex');
  const id = String(1_400_000_000_000_000_000n + BigInt(`0x${hash.slice(0, 15)}`));
  const name = username.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  return { id, username, name };
}

class ControlError extends Error {}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ControlError('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ControlError('body must be a JSON object');
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) throw new ControlError(`"${name}" is required`);
  return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.trim() ? value : undefined;
}
