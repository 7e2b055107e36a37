import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Answer } from './answers';
import { readBody, type FakeRequest } from './http';
import type { FakeXModes } from './modes';
import type { FakeXEchoMode } from './types';
import type { WebhookSender } from './webhook-sender';

/**
 * The fake's HTTP side: reads a request, waits in 'slow' mode, asks the router, and runs the
 * echoes an answer causes before or after writing it (see FakeXEchoMode).
 */

export interface FakeXServerOptions {
  port: number;
  host: string;
  route: (request: FakeRequest) => Promise<Answer>;
  modes: FakeXModes;
  echoMode: () => FakeXEchoMode;
  webhooks: WebhookSender;
  defaultSlowDelayMs: number;
}

export interface FakeXServer {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

export async function startFakeXServer(options: FakeXServerOptions): Promise<FakeXServer> {
  const { host, modes, webhooks } = options;
  const pendingTimers = new Set<NodeJS.Timeout>();

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const requestUrl = new URL(req.url ?? '/', `http://${req.headers.host ?? `${host}:${port()}`}`);
    const request: FakeRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: requestUrl.pathname,
      query: requestUrl.searchParams,
      url: requestUrl.href,
      contentType: req.headers['content-type'],
      body,
      authorization: req.headers.authorization,
    };
    const isBrowserPage = request.path === '/oauth/authorize';
    if (modes.current === 'slow' && !isBrowserPage) {
      await delay(modes.currentOptions.delayMs ?? options.defaultSlowDelayMs);
      if (res.destroyed || res.writableEnded) return;
    }
    const answer = await options.route(request);
    const echoes = answer.echoes ?? [];
    const runEchoes = () => Promise.all(echoes.map((echo) => echo()));
    if (echoes.length > 0 && options.echoMode() === 'before-response') await runEchoes();
    res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
    if (echoes.length > 0 && options.echoMode() === 'after-response') {
      // 'close' also fires when the client went away, so waitForDeliveries() cannot hang on it.
      const answered = new Promise<void>((resolve) => res.once('close', () => resolve()));
      // Fire-and-forget: idle() waits for it, and it cannot reject (a failed delivery is logged with status 0).
      void webhooks.track(answered.then(runEchoes));
    }
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake X failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (): number => (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port()}`,
    port: port(),
    close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
