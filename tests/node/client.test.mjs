// The official client (clients/js/ordercast.js, docs/client.md) against the real server:
// events with (data, message), exact resume across SIGTERM and kill -9 restarts while a
// publisher keeps going, token renewal, refusals, the backoff formula, resync, liveness
// against a frozen server, join/leave, isolated handlers, close() leaving nothing behind, and
// hostile frames from a fake server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../../clients/js/ordercast.js';
import { startServer, token, sign, eventually } from './lib/server.mjs';
import { freePort } from './lib/ports.mjs';

const now = () => Math.floor(Date.now() / 1000);
const quick = { WebSocket, minReconnectDelayMs: 50, maxReconnectDelayMs: 400 };

// A server on a fixed port and database, so that it can be restarted under the client.
async function restartable() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-client-'));
  const port = await freePort();
  const start = () => startServer(['--port', String(port)], {}, { dataDir: dir });
  return { dir, port, url: `ws://127.0.0.1:${port}`, start };
}

function states(client) {
  const seen = [];
  client.on('state', (s, d) => seen.push([s, d]));
  return seen;
}

test('events arrive as (data, message); the first connected gives a position', async () => {
  const srv = await startServer();
  const client = connect(`ws://127.0.0.1:${srv.port}`, { ...quick, token: token(1, 'admin') });
  try {
    const got = [];
    client.on('new-order', (data, message) => got.push({ data, message }));
    await eventually(async () => client.state === 'connected', 5000);
    assert.equal(typeof client.lastEventId, 'number');
    assert.equal((await srv.publish(['admin-orders'], 'new-order', { id: 7 })).status, 202);
    await eventually(async () => got.length === 1, 5000);
    assert.deepEqual(got[0].data, { id: 7 });
    assert.equal(got[0].message.type, 'new-order');
    assert.equal(got[0].message.id, client.lastEventId);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('SIGTERM and kill -9 restarts while a publisher keeps going: every acknowledged event once, in order', async () => {
  const r = await restartable();
  let srv = await r.start();
  const client = connect(r.url, { ...quick, token: token(1, 'admin') });
  const got = [];
  client.on('tick', (data, m) => got.push([data.n, m.id]));
  const acked = [];
  let publishing = true;
  const publisher = (async () => {
    for (let n = 0; publishing; n++) {
      try {
        const res = await fetch(`http://127.0.0.1:${r.port}/api/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token(900, 'service')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ rooms: ['admin-orders'], type: 'tick', data: { n } }),
        });
        if (res.status === 202) acked.push(n);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));  // down: try the next one
      }
    }
  })();
  try {
    await eventually(async () => got.length > 20, 10000);
    await srv.stop('SIGTERM');
    srv = await r.start();
    await eventually(async () => got.length > acked.length - 5 && got.length > 60, 10000);
    await srv.stop('SIGKILL');
    srv = await r.start();
    await eventually(async () => got.length > 120, 10000);
    publishing = false;
    await publisher;
    await eventually(async () => acked.every((n) => got.some(([m]) => m === n)), 10000);
    const ids = got.map(([, id]) => id);
    assert.ok(ids.every((id, k) => k === 0 || id > ids[k - 1]), 'ids increase');
    assert.equal(new Set(got.map(([n]) => n)).size, got.length, 'nothing twice');
  } finally {
    publishing = false;
    client.close();
    await srv.stop();
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
});

test('a token expiring while connected: getToken renews it and nothing is lost', async () => {
  const srv = await startServer();
  let calls = 0;
  const client = connect(`ws://127.0.0.1:${srv.port}`, {
    ...quick,
    getToken: () => (++calls === 1 ? sign({ userId: 1, role: 'admin', exp: now() + 2 }) : token(1, 'admin')),
  });
  try {
    const got = [];
    client.on('tick', (d) => got.push(d.n));
    await eventually(async () => client.state === 'connected', 5000);
    for (let n = 0; n < 40; n++) {
      assert.equal((await srv.publish(['admin-orders'], 'tick', { n })).status, 202);
      await new Promise((resolve) => setTimeout(resolve, 100));  // spread over the expiry
    }
    await eventually(async () => got.length === 40, 10000);
    assert.deepEqual(got, Array.from({ length: 40 }, (_, n) => n));
    assert.ok(calls >= 2, 'getToken was asked again after 4002');
  } finally {
    client.close();
    await srv.stop();
  }
});

test('4001: getToken once more, then closed with reason unauthorized', async () => {
  const srv = await startServer();
  let calls = 0;
  const client = connect(`ws://127.0.0.1:${srv.port}`, { ...quick, getToken: () => (++calls, 'not-a-token') });
  const seen = states(client);
  try {
    await eventually(async () => client.state === 'closed', 5000);
    assert.equal(calls, 2);
    assert.deepEqual(seen.at(-1), ['closed', { code: 4001, reason: 'unauthorized' }]);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('reconnect delays follow random() x min(max, min x 2^n)', async () => {
  // A WebSocket that fails at once, recording when each attempt was made.
  const attempts = [];
  class Refused {
    constructor() {
      attempts.push(Date.now());
      setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 0);
    }
    close() {}
  }
  const client = connect('ws://127.0.0.1:1', { WebSocket: Refused, token: 't', minReconnectDelayMs: 40, maxReconnectDelayMs: 200, random: () => 0.9 });
  try {
    await eventually(async () => attempts.length >= 6, 5000);
    const gaps = attempts.slice(1, 6).map((t, k) => t - attempts[k]);
    const want = [36, 72, 144, 180, 180];  // 0.9 x 40, 80, 160, 200 (max), 200
    gaps.forEach((g, k) => assert.ok(g >= want[k] - 2 && g < want[k] + 60, `gap ${k}: ${g} ms, want ${want[k]}`));
  } finally {
    client.close();
  }
});

test('a resync is surfaced and the client carries on from the server position', async () => {
  const srv = await startServer();
  const client = connect(`ws://127.0.0.1:${srv.port}`, { ...quick, token: token(1, 'admin'), since: 999999, epoch: 'other' });
  try {
    const resyncs = [];
    const got = [];
    client.on('resync', (d) => resyncs.push(d));
    client.on('tick', (d) => got.push(d.n));
    await eventually(async () => resyncs.length === 1, 5000);
    assert.equal(resyncs[0].reason, 'unknown-position');
    assert.equal(client.lastEventId, resyncs[0].lastEventId);
    assert.equal((await srv.publish(['admin-orders'], 'tick', { n: 1 })).status, 202);
    await eventually(async () => got.length === 1, 5000);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a frozen server is found by the idle ping, and the client resumes after SIGCONT', async () => {
  const srv = await startServer();
  const client = connect(`ws://127.0.0.1:${srv.port}`, { ...quick, token: token(1, 'admin'), idlePingMs: 300, pongTimeoutMs: 300, connectTimeoutMs: 500 });
  const seen = states(client);
  try {
    const got = [];
    client.on('tick', (d) => got.push(d.n));
    await eventually(async () => client.state === 'connected', 5000);
    process.kill(srv.pid, 'SIGSTOP');
    await eventually(async () => seen.some(([s]) => s === 'disconnected'), 5000);
    process.kill(srv.pid, 'SIGCONT');
    await eventually(async () => client.state === 'connected', 10000);
    assert.equal((await srv.publish(['admin-orders'], 'tick', { n: 1 })).status, 202);
    await eventually(async () => got.length === 1, 5000);
    assert.ok(seen.filter(([s]) => s === 'connected').at(-1)[1].recovered, 'resumed');
  } finally {
    process.kill(srv.pid, 'SIGCONT');
    client.close();
    await srv.stop();
  }
});

test('join and leave settle on the replies; refused joins reject with the code; rooms are joined again after a reconnect', async () => {
  const r = await restartable();
  let srv = await r.start();
  const admin = connect(r.url, { ...quick, token: token(1, 'admin') });
  const customer = connect(r.url, { ...quick, token: token(5, 'user') });
  try {
    await assert.rejects(customer.join('admin-orders'), (e) => e.code === 'forbidden');
    await assert.rejects(customer.join('lobby'), (e) => e.code === 'bad-room');
    assert.deepEqual(await admin.join('city-3-orders'), { roomId: 'city-3-orders' });
    assert.deepEqual(await admin.join('city-4-orders'), { roomId: 'city-4-orders' });
    assert.deepEqual(await admin.leave('city-4-orders'), { roomId: 'city-4-orders' });
    await srv.stop('SIGTERM');
    srv = await r.start();
    await eventually(async () => admin.state === 'connected', 10000);
    const got = [];
    admin.on('note', (d) => got.push(d.city));
    // After the reconnect the client joins city 3 again (live from then on), not city 4.
    await eventually(async () => {
      await srv.publish(['city-3-orders'], 'note', { city: 3 });
      return got.includes(3);
    }, 5000);
    // Events reach a socket in id order: had city 4 been joined, its note would come first.
    assert.equal((await srv.publish(['city-4-orders'], 'note', { city: 4 })).status, 202);
    assert.equal((await srv.publish(['city-3-orders'], 'note', { city: 33 })).status, 202);
    await eventually(async () => got.includes(33), 5000);
    assert.ok(!got.includes(4), `city 4 was left: ${got}`);
  } finally {
    admin.close();
    customer.close();
    await srv.stop();
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
});

test('a handler that throws does not stop the others or later events', async () => {
  const srv = await startServer();
  const client = connect(`ws://127.0.0.1:${srv.port}`, { ...quick, token: token(1, 'admin') });
  const errors = console.error;
  console.error = () => {};
  try {
    const got = [];
    client.on('tick', () => { throw new Error('boom'); });
    client.on('tick', (d) => got.push(d.n));
    await eventually(async () => client.state === 'connected', 5000);
    for (const n of [1, 2]) await srv.publish(['admin-orders'], 'tick', { n });
    await eventually(async () => got.length === 2, 5000);
    assert.equal(client.state, 'connected');
  } finally {
    console.error = errors;
    client.close();
    await srv.stop();
  }
});

test('close() leaves nothing running: a Node process that closes its client exits by itself', async () => {
  const srv = await startServer();
  try {
    const script = `
      import WebSocket from 'ws';
      import { connect } from '${path.resolve('../../clients/js/ordercast.js')}';
      const c = connect('ws://127.0.0.1:${srv.port}', { WebSocket, token: '${token(1, 'admin')}', idlePingMs: 60000 });
      c.on('state', (s) => { if (s === 'connected') { c.join('admin-orders').catch(() => {}); c.close(); } });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: 'inherit' });
    const code = await Promise.race([
      new Promise((resolve) => child.on('exit', resolve)),
      new Promise((resolve) => setTimeout(() => resolve('still running'), 5000)),
    ]);
    if (code === 'still running') child.kill();
    assert.equal(code, 0);
  } finally {
    await srv.stop();
  }
});

test('hostile frames from a server (not JSON, no type, a non-numeric id) are ignored', async () => {
  const port = await freePort();
  const fake = new WebSocketServer({ port, host: '127.0.0.1' });
  fake.on('connection', (ws) => {
    ws.send('{"type":"connected","data":{"userId":1,"role":"admin","lastEventId":0,"epoch":"e"}}');
    for (const bad of ['not json', '{"data":{}}', '{"type":5}', '{"type":"tick","id":"7","data":{"n":0}}', 'null', '[]']) ws.send(bad);
    ws.send('{"type":"tick","id":1,"data":{"n":1}}');
  });
  const client = connect(`ws://127.0.0.1:${port}`, { ...quick, token: 't' });
  try {
    const got = [];
    client.on('tick', (d) => got.push(d.n));
    await eventually(async () => got.length === 1, 5000);
    assert.deepEqual(got, [1]);
    assert.equal(client.state, 'connected');
    assert.equal(client.lastEventId, 1);
  } finally {
    client.close();
    fake.close();
  }
});
