// Resume (docs/protocol.md §10) with Node's ws against the real server: every event carries its
// log id, `connected` says where the live stream starts, `?since=` replays exactly what was
// missed — then live, with nothing lost or doubled at the seam — or says `resync` and why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, token, api, logged, eventually, drainToFence, lines } from './lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const resumeUrl = (srv, tok, since) => `${srv.wsUrl(tok)}&since=${encodeURIComponent(since)}`;

async function hello(client) {
  const msg = await client.next();
  assert.equal(msg.type, 'connected', JSON.stringify(msg));
  return msg.data;
}

test('a resume after a drop gets exactly the 20 events it missed across two rooms, in order, then live', async () => {
  const tok = token(51, 'admin');
  const first = await Client.connect(server.wsUrl(tok));
  const { lastEventId } = await hello(first);
  await first.close();

  const published = [];
  for (let i = 0; i < 20; i++) {
    const room = i % 2 ? 'admin-orders' : 'user-51';
    assert.equal((await server.publish([room], 'missed', { i })).status, 202);
    published.push(i);
    // Somebody else's events in between are not replayed to it.
    assert.equal((await server.publish(['user-52'], 'not-for-51', { i })).status, 202);
  }
  const back = await Client.connect(resumeUrl(server, tok, lastEventId));
  const greeting = await hello(back);
  assert.equal(greeting.recovered, true);
  assert.ok(greeting.lastEventId >= lastEventId + 40, JSON.stringify(greeting));
  const replayed = [];
  for (let i = 0; i < 20; i++) replayed.push(await back.next());
  assert.deepEqual(replayed.map((m) => logged(m)), published.map((i) => ({ type: 'missed', data: { i } })));
  const ids = replayed.map((m) => m.id);
  assert.ok(ids.every((id, k) => id > lastEventId && (k === 0 || id > ids[k - 1])), `ids in order: ${ids}`);
  // Then live.
  assert.equal((await server.publish(['admin-orders'], 'live', {})).status, 202);
  const live = await back.next();
  assert.equal(live.type, 'live');
  assert.ok(live.id > ids.at(-1));
  await back.close();
});

test('a resume while a publisher keeps publishing has no gap and no duplicate at the seam', async () => {
  const tok = token(61, 'admin');
  const witness = await Client.connect(server.wsUrl(token(62, 'admin')));
  await hello(witness);
  let mover = await Client.connect(server.wsUrl(tok));
  await hello(mover);

  // Eight publishers at once: events keep arriving while the replay is read and sent.
  const total = 2000;
  let sent = 0;
  const publishing = Promise.all(Array.from({ length: 8 }, async () => {
    while (sent < total) {
      sent++;
      assert.equal((await server.publish(['admin-orders'], 'tick', { n: sent })).status, 202);
    }
  }));
  // Read a few, drop, come back with the last id seen while events keep coming.
  let lastSeen = 0;
  for (let i = 0; i < 40; i++) lastSeen = (await mover.next()).id;
  await mover.close();
  await eventually(async () => sent >= 200, 10000);
  mover = await Client.connect(resumeUrl(server, tok, lastSeen));
  assert.equal((await hello(mover)).recovered, true);
  assert.ok(sent < total, 'the resume happened while publishing went on');
  await publishing;

  // Each fence goes to the socket's own room, so neither sees the other's.
  const reference = (await drainToFence(server, witness, 'user-62')).map((m) => m.id);
  const after = (await drainToFence(server, mover, 'user-61')).map((m) => m.id);
  assert.equal(reference.length, total);
  assert.deepEqual(after, reference.filter((id) => id > lastSeen), 'exactly the rest, in order');
  await Promise.all([witness.close(), mover.close()]);
});

test('since = the head: recovered, nothing replayed, then live', async () => {
  const tok = token(71, 'admin');
  const probe = await Client.connect(server.wsUrl(tok));
  const { lastEventId } = await hello(probe);
  await probe.close();
  const c = await Client.connect(resumeUrl(server, tok, lastEventId));
  const greeting = await hello(c);
  assert.deepEqual(greeting, { userId: 71, role: 'admin', lastEventId, epoch: greeting.epoch, recovered: true });
  assert.deepEqual(await drainToFence(server, c, 'admin-orders'), []);
  await c.close();
});

test('no since: connected has no recovered field (the seed client is unchanged)', async () => {
  // The seed's snippet: connect with the token, parse each message, switch on type.
  const ws = new Client(server.wsUrl(token(72, 'admin')));
  await ws.opened;
  const greeting = await ws.next();
  assert.equal(greeting.type, 'connected');
  assert.equal('recovered' in greeting.data, false);
  assert.equal((await server.publish(['admin-orders'], 'new-order', { id: 9 })).status, 202);
  const msg = await ws.next();
  assert.equal(msg.type, 'new-order');
  assert.deepEqual(msg.data, { id: 9 });
  await ws.close();
});

test('unknown-position: since is not plain digits, or ahead of the log', async () => {
  const tok = token(81, 'admin');
  const probe = await Client.connect(server.wsUrl(tok));
  const { lastEventId } = await hello(probe);
  await probe.close();
  for (const since of ['abc', '-1', '01', '1e3', '', String(lastEventId + 1000)]) {
    const c = await Client.connect(resumeUrl(server, tok, since));
    const greeting = await hello(c);
    assert.equal(greeting.recovered, false, since);
    const resync = await c.next();
    assert.deepEqual(resync, { type: 'resync', data: { reason: 'unknown-position', lastEventId: greeting.lastEventId } }, since);
    // The socket stays live from lastEventId on.
    assert.equal((await server.publish(['admin-orders'], 'after-resync', {})).status, 202);
    assert.equal((await c.next()).type, 'after-resync');
    await c.close();
  }
});

test('too-many: more than REPLAY_LIMIT events for its rooms gives resync, never a partial replay', async () => {
  const srv = await startServer([], { REPLAY_LIMIT: '5' });
  try {
    const tok = token(91, 'admin');
    const probe = await Client.connect(srv.wsUrl(tok));
    const { lastEventId } = await hello(probe);
    await probe.close();
    for (let i = 0; i < 5; i++) await srv.publish(['admin-orders'], 'e', { i });
    const five = await Client.connect(resumeUrl(srv, tok, lastEventId));
    assert.equal((await hello(five)).recovered, true, 'exactly the limit is served');
    for (let i = 0; i < 5; i++) assert.equal((await five.next()).type, 'e');
    await five.close();
    await srv.publish(['admin-orders'], 'e', { i: 5 });
    await srv.publish(['user-999'], 'elsewhere', {});  // not its rooms: does not count
    const six = await Client.connect(resumeUrl(srv, tok, lastEventId));
    const greeting = await hello(six);
    assert.equal(greeting.recovered, false);
    assert.deepEqual(await six.next(), { type: 'resync', data: { reason: 'too-many', lastEventId: greeting.lastEventId } });
    assert.deepEqual(await drainToFence(srv, six, 'admin-orders'), [], 'nothing replayed');
    await six.close();
    const metrics = await (await fetch(`${srv.base}/metrics`)).text();
    assert.match(metrics, /ordercast_replays_total\{result="too-many"\} 1/);
    assert.match(metrics, /ordercast_replays_total\{result="served"\} 1/);
    assert.match(metrics, /ordercast_events_replayed_total 5/);
  } finally {
    await srv.stop();
  }
});

test('history-expired: events after since were pruned', async () => {
  const srv = await startServer([], { EVENT_RETENTION_S: '1' });
  try {
    const tok = token(95, 'admin');
    const probe = await Client.connect(srv.wsUrl(tok));
    const { lastEventId } = await hello(probe);
    await probe.close();
    await srv.publish(['admin-orders'], 'old', {});
    await eventually(async () => /ordercast_events_pruned_total [1-9]/.test(await (await fetch(`${srv.base}/metrics`)).text()), 10000);
    const c = await Client.connect(resumeUrl(srv, tok, lastEventId));
    const greeting = await hello(c);
    assert.equal(greeting.recovered, false);
    assert.deepEqual(await c.next(), { type: 'resync', data: { reason: 'history-expired', lastEventId: greeting.lastEventId } });
    await c.close();
  } finally {
    await srv.stop();
  }
});

test('a customer resuming gets its own events only, never another customer\'s or the admin room\'s', async () => {
  const admin = token(1, 'admin');
  const city = (await api(server, 'POST', '/api/cities', admin, { name: `Resume-${crypto.randomUUID()}` })).body.id;
  const probe = await Client.connect(server.wsUrl(token(101, 'user')));
  const { lastEventId } = await hello(probe);
  await probe.close();
  const soup = await lines(server, { name: 'Soup', price: 100 });
  const order = (who) => api(server, 'POST', '/api/orders', token(who, 'user'), { city_id: city, items: soup });
  const mine = (await order(101)).body;
  await order(102);
  await server.publish(['admin-orders'], 'staff-only', {});
  const c = await Client.connect(resumeUrl(server, token(101, 'user'), lastEventId));
  assert.equal((await hello(c)).recovered, true);
  const got = await drainToFence(server, c, 'user-101');
  assert.deepEqual(got.map((m) => [m.type, m.data.id]), [['order-created', mine.id]]);
  await c.close();
});

test('kill -9 right after a 201: after a restart the resume brings order-created and new-order', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-resume-'));
  try {
    let srv = await startServer([], {}, { dataDir });
    const admin = token(1, 'admin');
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
    const staff = await Client.connect(srv.wsUrl(admin));
    const customer = await Client.connect(srv.wsUrl(token(111, 'user')));
    const staffFrom = (await hello(staff)).lastEventId;
    const customerFrom = (await hello(customer)).lastEventId;
    const created = await api(srv, 'POST', '/api/orders', token(111, 'user'), { city_id: city, items: await lines(srv, { name: 'Tea', price: 100, quantity: 1 }) });
    assert.equal(created.status, 201);
    await srv.stop('SIGKILL');
    await Promise.all([staff.closed, customer.closed]);

    srv = await startServer([], {}, { dataDir });
    const staffBack = await Client.connect(resumeUrl(srv, admin, staffFrom));
    const customerBack = await Client.connect(resumeUrl(srv, token(111, 'user'), customerFrom));
    assert.equal((await hello(staffBack)).recovered, true);
    assert.equal((await hello(customerBack)).recovered, true);
    const forStaff = await staffBack.next();
    const forCustomer = await customerBack.next();
    assert.deepEqual([forStaff.type, forStaff.data], ['new-order', created.body]);
    assert.deepEqual([forCustomer.type, forCustomer.data], ['order-created', created.body]);
    await Promise.all([staffBack.close(), customerBack.close()]);
    await srv.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// Replays count against the send bound (docs/protocol.md §5): sockets that resume from 0 and
// never read used to get the whole replay queued at once — 16 of them, with 60 KB events,
// took a server from 19 MB to 1.2 GB. Now a replay is read a page at a time as the socket
// drains: each such socket holds at most its send queue (1 MiB) and a page.
test('16 sockets resuming from 0 that never read: server memory stays within 40 MB of where it was', async () => {
  const srv = await startServer();
  try {
    const pad = 'x'.repeat(60_000);
    for (let i = 0; i < 600; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => srv.publish(['user-77'], 'big', { n: i + k, pad }, token(900, 'service'))
        .then((r) => assert.equal(r.status, 202))));
    }
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${srv.pid}/status`, 'utf8'))[1]) * 1024;
    const before = rss();
    const sockets = await Promise.all(Array.from({ length: 16 }, () => new Promise((resolve, reject) => {
      const s = net.connect(srv.port, '127.0.0.1', () => {
        s.write(`GET /?token=${token(77, 'user')}&since=0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
        s.once('data', () => { s.pause(); resolve(s); });  // the 101, then nothing is read
      });
      s.on('error', reject);
    })));
    // The server sends what the sockets' buffers take, then waits for them to drain.
    const replayed = async () => Number(/ordercast_events_replayed_total (\d+)/.exec(await (await fetch(`${srv.base}/metrics`)).text())[1]);
    // Settled: the count has not moved for ten polls (a second).
    const seen = [];
    await eventually(async () => {
      seen.push(await replayed());
      return seen.length > 10 && seen.at(-1) > 0 && seen.at(-1) === seen.at(-11);
    }, 15000);
    const last = seen.at(-1);
    const growth = rss() - before;
    // (AddressSanitizer keeps freed memory in quarantine: RSS says nothing there.)
    if (process.env.ORDERCAST_SANITIZE !== '1') assert.ok(growth < 40 * 1024 * 1024, `RSS grew ${Math.round(growth / 1048576)} MB`);
    assert.ok(last < 16 * 600, `not everything was queued: ${last} of ${16 * 600} events`);
    for (const s of sockets) s.destroy();
  } finally {
    await srv.stop();
  }
});
