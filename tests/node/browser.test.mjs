// The browser's view of docs/protocol.md §2–5: what a Mini App page sees through the standard
// WebSocket API in a real Chromium (Debian's, driven by playwright-core), including the close
// codes a failed handshake would hide, and an admin page on another origin using the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, token, sign, greeting, logged } from './lib/server.mjs';
import { launchChromium } from './lib/browser.mjs';

let server;
let browser;
let page;
before(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Opens a socket in the page, optionally sends messages as replies arrive, and resolves
// with everything it saw when the socket closes.
function converse(url, script = []) {
  return page.evaluate(`new Promise((resolve) => {
    const seen = [];
    const script = ${JSON.stringify(script)};
    const ws = new WebSocket(${JSON.stringify(url)});
    ws.onmessage = (e) => {
      seen.push(JSON.parse(e.data));
      const next = script.shift();
      if (next === 'close') ws.close(1000, 'done');
      else if (next) ws.send(JSON.stringify(next));
    };
    ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, clean: e.wasClean, seen });
  })`);
}

test('a page connects with ?token=, is greeted, pings and joins rooms', async () => {
  const result = await converse(server.wsUrl(token(12, 'manager', { cityIds: [3] })), [
    { type: 'ping' },
    { type: 'join-room', data: { roomId: 'city-3-orders' } },
    { type: 'join-room', data: { roomId: 'admin-orders' } },
    'close',
  ]);
  assert.equal(result.code, 1000);
  assert.equal(result.clean, true);
  assert.deepEqual([greeting(result.seen[0]), ...result.seen.slice(1)], [
    { type: 'connected', data: { userId: 12, role: 'manager' } },
    { type: 'pong' },
    { type: 'room-joined', data: { roomId: 'city-3-orders' } },
    { type: 'error', data: { code: 'forbidden', message: 'not allowed to join this room', requestType: 'join-room' } },
  ]);
});

test('a page sees 4001 for a bad token and 4002 for an expired one, not 1006', async () => {
  const bad = await converse(server.wsUrl('not-a-token'));
  assert.deepEqual(bad, { code: 4001, reason: 'unauthorized', clean: true, seen: [] });
  const now = Math.floor(Date.now() / 1000);
  const expired = await converse(server.wsUrl(sign({ userId: 1, role: 'user', exp: now - 100 })));
  assert.deepEqual(expired, { code: 4002, reason: 'token expired', clean: true, seen: [] });
});

test('a page receives events published for its rooms', async () => {
  await page.evaluate(`new Promise((resolve) => {
    window.admin = new WebSocket(${JSON.stringify(server.wsUrl(token(1, 'admin')))});
    window.inbox = [];
    window.admin.onmessage = (e) => {
      window.inbox.push(JSON.parse(e.data));
      if (window.waiting) window.waiting();
    };
    window.admin.onopen = () => resolve();
  })`);
  const order = { id: 456, order_number: '1234', status: 'pending', total: 1500, bonuses_earned: 75 };
  const res = await server.publish(['admin-orders'], 'new-order', order);
  assert.deepEqual(await res.json(), { recipients: 1 });
  const inbox = await page.evaluate(`new Promise((resolve) => {
    const check = () => window.inbox.length >= 2 && resolve(window.inbox);
    window.waiting = check;
    check();
  })`);
  assert.deepEqual([greeting(inbox[0]), logged(inbox[1])], [
    { type: 'connected', data: { userId: 1, role: 'admin' } },
    { type: 'new-order', data: order },
  ]);
  await page.evaluate('window.admin.close()');
});

test('a browser answers protocol pings by itself and stays connected', async () => {
  const fast = await startServer(['--ping-interval-ms', '200']);
  try {
    const result = await page.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(fast.wsUrl(token(2, 'user')))});
      const seen = [];
      ws.onmessage = (e) => seen.push(JSON.parse(e.data).type);
      // Ten ping intervals later the socket must still be open and answering.
      setTimeout(() => { ws.send(JSON.stringify({ type: 'ping' })); }, 2000);
      ws.onclose = (e) => resolve({ code: e.code, seen });
      const poll = setInterval(() => {
        if (seen.includes('pong')) { clearInterval(poll); ws.close(1000); }
      }, 50);
    })`);
    assert.deepEqual(result, { code: 1000, seen: ['connected', 'pong'] });
  } finally {
    await fast.stop();
  }
});

test('an admin page on another origin calls the API with a bearer token through CORS; other origins are refused', async () => {
  // The page's own origin: a plain HTTP server on another port.
  const site = http.createServer((req, res) => res.end('<!doctype html><title>admin panel</title>'));
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${site.address().port}`;
  const allowing = await startServer([], { ALLOWED_ORIGINS: `https://other.example,${origin}` });
  const refusing = await startServer([], { ALLOWED_ORIGINS: 'https://other.example' });
  try {
    await page.goto(`${origin}/`);
    const call = (srv) => page.evaluate(`fetch(${JSON.stringify(`${srv.base}/api/cities`)}, {
        method: 'POST',
        headers: { Authorization: 'Bearer ${token(1, 'admin')}', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Tver' }),
      }).then(async (r) => ({ status: r.status, body: await r.json(), requestId: r.headers.get('X-Request-Id') }), (e) => ({ blocked: String(e) }))`);
    const ok = await call(allowing);
    assert.equal(ok.status, 201, JSON.stringify(ok));
    assert.equal(ok.body.name, 'Tver');
    assert.match(ok.requestId ?? '', /^[0-9a-f]{1,16}$/, 'the page can read X-Request-Id (Access-Control-Expose-Headers)');
    const blocked = await call(refusing);
    assert.match(blocked.blocked ?? '', /TypeError/, JSON.stringify(blocked));
    // What the browser relied on, as raw headers.
    const pre = await fetch(`${allowing.base}/api/cities`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
    assert.match(pre.headers.get('access-control-allow-headers'), /Idempotency-Key/);
    assert.ok(Number(pre.headers.get('access-control-max-age')) > 0);
    const plain = await fetch(`${allowing.base}/healthz`, { headers: { Origin: origin } });
    assert.equal(plain.headers.get('access-control-allow-origin'), origin);
    assert.equal(plain.headers.get('vary'), 'Origin');
    assert.equal(plain.headers.get('access-control-expose-headers'), 'Retry-After, X-Request-Id, Idempotent-Replayed');
    const other = await fetch(`${refusing.base}/healthz`, { headers: { Origin: origin } });
    assert.equal(other.headers.get('access-control-allow-origin'), null, 'no CORS headers for other origins');
  } finally {
    await allowing.stop();
    await refusing.stop();
    site.close();
  }
});
