// Faults injected for real (issue 10): a PostgreSQL frozen with SIGSTOP, a Redis whose
// network goes silent. The server must keep serving what it can, report its health
// truthfully, and stop when told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startServer, connectAs, token, api, readiness, eventually, lines, Client, addStaff } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';

test('a frozen PostgreSQL: requests get 503 in bounded time, readyz says so, SIGTERM still exits', async () => {
  const pg = await startPostgres();
  // One connection: the resume below waits in the queue behind the request in flight.
  const srv = await startServer([], { DATABASE_URL: pg.url, DATABASE_POOL: '1' });
  try {
    const admin = token(1, 'admin');
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Kazan' })).body.id;
    const watcher = await connectAs(srv, 1, 'admin');
    const x = await lines(srv, { name: 'x', price: 1 });
    pg.freeze();

    const started = Date.now();
    const stuck = await api(srv, 'POST', '/api/orders', token(5, 'user'), { city_id: city, items: x });
    const took = Date.now() - started;
    assert.equal(stuck.status, 503);
    assert.ok(['database-unavailable', 'database-busy'].includes(stuck.body.error), JSON.stringify(stuck.body));
    assert.ok(took < 9000, `answered after ${took} ms`);
    // Readiness is answered at once, from the background probe, and says the truth.
    await eventually(async () => (await readiness(srv)).body.checks.database === 'down', 10000);
    const t0 = Date.now();
    assert.equal((await readiness(srv)).status, 503);
    assert.ok(Date.now() - t0 < 500, 'readyz does not wait for the database');
    // Publishing logs the event first (docs/protocol.md §10): without the database it is refused
    // in bounded time, never accepted and lost; open sockets stay open.
    const p0 = Date.now();
    const refused = await srv.publish(['admin-orders'], 'not-logged', {});
    assert.equal(refused.status, 503);
    assert.ok(Date.now() - p0 < 12000, `publish answered after ${Date.now() - p0} ms`);
    assert.equal(watcher.ws.readyState, 1, 'the socket is still open');

    // A request in flight on the frozen database does not keep the server from stopping,
    // nor does a resume waiting for the log (it used to hold the shard past the grace).
    const inFlight = api(srv, 'GET', '/api/orders', admin).catch(() => null);
    const resuming = new WebSocket(`${srv.wsUrl(admin)}&since=0`);
    resuming.on('error', () => {});
    await new Promise((resolve) => resuming.on('upgrade', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = Date.now();
    const { code } = await srv.stop('SIGTERM');
    const stopTook = Date.now() - stopping;
    assert.equal(code, 0);
    assert.ok(stopTook < 6000, `exit took ${stopTook} ms`);
    assert.equal((await watcher.closed).code, 1001);
    await inFlight;
  } finally {
    pg.thaw();
    await srv.stop('SIGKILL');
    await pg.stop();
  }
});

// The freeze found by an outside review: with the database queue full, one resume locked
// the whole server for good. Now a full queue answers at once — 503 for requests and
// publishes, 1013 for a resume — while /healthz keeps answering, service comes back within
// seconds of the thaw, and SIGTERM still exits 0 in time.
test('a full database queue: 503 and 1013 at once, /healthz answers, service resumes after the thaw, SIGTERM exits', async () => {
  const pg = await startPostgres();
  const srv = await startServer([], { DATABASE_URL: pg.url, DATABASE_POOL: '1' });
  const admin = token(1, 'admin');
  try {
    assert.equal((await api(srv, 'GET', '/api/orders', admin)).status, 200);
    pg.freeze();
    // Enough reads to fill the queue (1024) behind the one the frozen database holds.
    const flood = Array.from({ length: 1100 }, () =>
      api(srv, 'GET', '/api/orders', admin).then((r) => r.status, () => 'failed'));
    await eventually(async () => (await api(srv, 'GET', '/api/orders', admin)).status === 503, 10000);
    const busy = await api(srv, 'GET', '/api/orders', admin);
    assert.equal(busy.status, 503);
    assert.equal(busy.body.error, 'database-busy');
    const p0 = Date.now();
    const published = await srv.publish(['admin-orders'], 'during-flood', {});
    assert.equal(published.status, 503, 'a publish is refused, never accepted and lost');
    assert.ok(Date.now() - p0 < 1000, `publish answered after ${Date.now() - p0} ms`);
    // The resume that used to freeze the server.
    const resuming = new WebSocket(`${srv.wsUrl(admin)}&since=0`);
    const closed = await new Promise((resolve) => resuming.on('close', (code) => resolve(code)));
    assert.equal(closed, 1013);
    const h0 = Date.now();
    const health = await fetch(`http://127.0.0.1:${srv.port}/healthz`);
    assert.equal(health.status, 200);
    assert.ok(Date.now() - h0 < 1000, '/healthz answers while the queue is full');

    pg.thaw();
    const statuses = await Promise.all(flood);
    assert.ok(statuses.every((s) => s === 200 || s === 503), `every queued request answered: ${[...new Set(statuses)]}`);
    const back = Date.now();
    await eventually(async () => (await api(srv, 'GET', '/api/orders', admin)).status === 200, 10000);
    assert.ok(Date.now() - back < 10000);
    const resumed = await Client.connect(`${srv.wsUrl(admin)}&since=0`);
    assert.equal((await resumed.next()).data.recovered, true);
    const stopping = Date.now();
    const { code } = await srv.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(Date.now() - stopping < 6000, `exit took ${Date.now() - stopping} ms`);
  } finally {
    pg.thaw();
    await srv.stop('SIGKILL').catch(() => {});
    await pg.stop();
  }
});

// Every request of ordercast's own users (Telegram customers, staff logins) first asks the
// database whether the account still exists: with the database gone that is a 503 in
// bounded time, not a request left without an answer.
test('PostgreSQL stopped: every route answers 503 within a few seconds, for own-range users too', async () => {
  const pg = await startPostgres();
  const srv = await startServer([], { DATABASE_URL: pg.url });
  try {
    const admin = token(1, 'admin');
    const city = (await api(srv, 'POST', '/api/cities', admin, { name: 'Omsk' })).body.id;
    await addStaff(srv, 'night.manager', 'manager', 'a long password', [city]);
    const login = await api(srv, 'POST', '/api/auth/login', null, { login: 'night.manager', password: 'a long password' });
    assert.equal(login.status, 200);
    const own = login.body.token;
    await pg.stop();
    for (const [method, path, tok] of [['GET', '/api/orders', own], ['GET', '/api/cities', own],
      ['GET', `/api/orders/1`, own], ['GET', '/api/orders', admin], ['GET', '/api/bonuses', token(5, 'user')]]) {
      const t0 = Date.now();
      const res = await api(srv, method, path, tok);
      assert.equal(res.status, 503, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.ok(['database-unavailable', 'database-busy'].includes(res.body.error), JSON.stringify(res.body));
      assert.ok(Date.now() - t0 < 9000, `${method} ${path} answered after ${Date.now() - t0} ms`);
    }
    const { code } = await srv.stop('SIGTERM');
    assert.equal(code, 0);
  } finally {
    await srv.stop('SIGKILL').catch(() => {});
    await pg.stop().catch(() => {});
  }
});

// A TCP proxy in front of Redis that can go silent: connections stay open, nothing passes —
// a partition or a host that vanished without a reset.
async function silentProxy(targetPort) {
  let silent = false;
  const pairs = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (d) => { if (!silent) upstream.write(d); });
    upstream.on('data', (d) => { if (!silent) client.write(d); });
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    // Silent: existing connections hang; new ones are accepted and hang too.
    silence() { silent = true; },
    // Heals the network: hung connections are cut (as a real partition's would be once
    // TCP gave up), new ones pass.
    heal() {
      silent = false;
      for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
      pairs.clear();
    },
    close() {
      for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

test('a Redis that stops answering is noticed within 15 s, and delivery across instances resumes', async () => {
  const redis = await startRedis();
  const proxy = await silentProxy(Number(new URL(redis.url).port));
  const url = `redis://127.0.0.1:${proxy.port}`;
  const pg = await startPostgres();
  const a = await startServer([], { REDIS_URL: url, DATABASE_URL: pg.url });
  const b = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  try {
    await eventually(async () => (await readiness(a)).status === 200, 10000);
    const onA = await connectAs(a, 1, 'admin');
    proxy.silence();
    const noticed = await eventually(async () => (await readiness(a)).body.checks.broker === 'down', 15000);
    assert.ok(noticed <= 15000, `noticed after ${noticed} ms`);
    proxy.heal();
    await eventually(async () => (await readiness(a)).status === 200, 15000);
    // Events published on B reach A's socket again.
    await eventually(async () => {
      await b.publish(['admin-orders'], 'across', {});
      for (;;) {
        const msg = await onA.next(300).catch(() => null);
        if (!msg) return false;
        if (msg.type === 'across') return true;
      }
    }, 10000);
    await onA.close();
  } finally {
    await a.stop();
    await b.stop();
    await proxy.close();
    await redis.stop();
    await pg.stop();
  }
});
