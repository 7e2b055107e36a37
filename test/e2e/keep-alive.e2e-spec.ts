import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * Behind a proxy that keeps its connections to the app open (docs/OPERATIONS.md), the proxy must be
 * the side that closes an idle one: the app closing it at the moment the proxy sends a webhook on it
 * resets that request. Node's default, 5 s, is far below nginx's 60 s, and a proxy does not read the
 * Keep-Alive hint the app sends.
 */
describe('kept-alive connections', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  /** What the app tells a client that keeps its connection: the Keep-Alive header, and whether the same socket served two requests. */
  async function keptConnection(env: Record<string, string> = {}): Promise<{ keepAlive: string | undefined; sameSocket: boolean }> {
    const t = await createTestApp({ env });
    apps.push(t);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ header: string | undefined; socket: unknown }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ header: res.headers['keep-alive']?.toString(), socket: req.socket }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const first = await get();
      const second = await get();
      return { keepAlive: first.header, sameSocket: first.socket === second.socket };
    } finally {
      agent.destroy();
    }
  }

  it('stay open 75 s by default, longer than a proxy keeps its own', async () => {
    expect(await keptConnection()).toEqual({ keepAlive: 'timeout=75', sameSocket: true });
  });

  it('do not hold the app’s close: a request answered while it closes ends its connection', async () => {
    const t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const ended = once(socket, 'close');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    // A kept-alive request still arriving when the app closes: its headers read, its body not sent yet.
    const arrived = once(t.app.getHttpServer(), 'request');
    socket.write('POST /webhooks/x/1 HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n');
    await arrived;
    const closed = t.close();
    socket.write('{}');
    await ended;
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
  });

  it('stay open as long as KEEP_ALIVE_TIMEOUT_SECONDS says (a load balancer that keeps its connections 600 s)', async () => {
    expect(await keptConnection({ KEEP_ALIVE_TIMEOUT_SECONDS: '620' })).toEqual({ keepAlive: 'timeout=620', sameSocket: true });
  });
});
