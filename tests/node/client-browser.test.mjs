// The official client in a real browser: headless Chromium (Debian's, driven by
// playwright-core) loads /client.js from the server, and while a publisher keeps going the
// server is killed and restarted under it: the page sees every acknowledged event once, in
// order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, token, eventually } from './lib/server.mjs';
import { freePort } from './lib/ports.mjs';
import { launchChromium } from './lib/browser.mjs';

test('a page importing /client.js sees every event once, in order, across a kill -9 and restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-browser-'));
  const port = await freePort();
  const start = () => startServer(['--port', String(port)], {}, { dataDir: dir });
  let srv = await start();
  const browser = await launchChromium();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    const offsite = [];
    page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${port}/`) && !r.url().startsWith(`ws://127.0.0.1:${port}`)) offsite.push(r.url()); });
    await page.goto(`http://127.0.0.1:${port}/healthz`);
    await page.evaluate(async ({ port, tok }) => {
      const { connect } = await import('/client.js');
      window.seen = [];
      window.states = [];
      window.client = connect(`ws://127.0.0.1:${port}`, { token: tok, minReconnectDelayMs: 50, maxReconnectDelayMs: 300 });
      window.client.on('tick', (data, message) => window.seen.push([data.n, message.id]));
      window.client.on('state', (s) => window.states.push(s));
    }, { port, tok: token(1, 'admin') });
    await eventually(async () => (await page.evaluate(() => window.client.state)) === 'connected', 10000);
    const acked = [];
    const publish = async (n) => {
      try {
        const res = await srv.publish(['admin-orders'], 'tick', { n });
        if (res.status === 202) acked.push(n);
      } catch {}
    };
    let n = 0;
    for (; n < 30; n++) await publish(n);
    await srv.stop('SIGKILL');
    for (; n < 40; n++) await publish(n);  // refused: the server is down
    srv = await start();
    for (; n < 70; n++) await publish(n);
    await eventually(async () => (await page.evaluate(() => window.seen.length)) >= acked.length, 10000);
    const seen = await page.evaluate(() => window.seen);
    assert.deepEqual(seen.map(([x]) => x), acked, 'every acknowledged event, once, in order');
    assert.ok(seen.every(([, id], k) => k === 0 || id > seen[k - 1][1]));
    const states = await page.evaluate(() => window.states);
    assert.ok(states.includes('disconnected') && states.at(-1) === 'connected', states.join(' '));
    await page.evaluate(() => window.client.close());
    assert.deepEqual(errors, []);
    assert.deepEqual(offsite, []);
  } finally {
    await browser.close();
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
