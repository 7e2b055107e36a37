// Runs in a worker thread (its own event loop, so it does not steal time from the app it measures):
// POSTs the given signed bodies open-loop at a fixed rate and reports each acknowledgement time.
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');

const { url, requests, ratePerSecond } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(request) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // Whether the delivery went over a connection opened for it: the server accepts one new
    // connection per turn of its event loop (libuv), so those wait while the loop is busy.
    let opened = false;
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: request.path ?? target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': request.signature, 'content-length': Buffer.byteLength(request.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.statusCode, opened }));
      },
    );
    req.on('socket', (socket) => {
      opened = !socket.usedBefore;
      socket.usedBefore = true;
    });
    req.on('error', (err) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: 0, error: err.code ?? err.message, opened }));
    req.end(request.body);
  });
}

async function run() {
  const intervalNs = ratePerSecond > 0 ? BigInt(Math.round(1e9 / ratePerSecond)) : 0n;
  const start = process.hrtime.bigint();
  const pending = [];
  const inFlight = new Set();
  for (let i = 0; i < requests.length; i++) {
    if (intervalNs > 0n) {
      const due = start + intervalNs * BigInt(i);
      const waitMs = Number(due - process.hrtime.bigint()) / 1e6;
      if (waitMs > 1) await new Promise((r) => setTimeout(r, waitMs));
    } else if (inFlight.size >= 64) {
      // closed loop (rate 0): as fast as the server answers, 64 in flight
      await Promise.race(inFlight);
    }
    const request = post(requests[i]);
    inFlight.add(request);
    request.then(() => inFlight.delete(request));
    pending.push(request);
  }
  const results = await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  parentPort.postMessage({
    latencies: results.map((r) => r.ms),
    opened: results.map((r) => r.opened),
    statuses: results.map((r) => r.status),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
    seconds,
  });
}

run();
