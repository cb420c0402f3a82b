// Regressions for what an outside review and attack probe found (issue 9), each checked the
// way an attacker or an unlucky operator would meet it: real server, real clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { startServer, connectAs, Client, token, sign, api, addStaff, telegramInitData, SECRET, drainToFence, eventually, readiness, greeting, lines } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';

const admin = token(1, 'admin');
const BOT = '123456:TEST-bot-token-for-ordercast';
let server;
let moscow;
let kazan;

async function addCity(srv, name) {
  const res = await api(srv, 'POST', '/api/cities', admin, { name });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

const order = async (srv, city, price = 100) => ({ city_id: city, items: await lines(srv, { name: 'Dish', price }) });

async function closeCode(url) {
  const c = new Client(url);
  const { code } = await c.closed;
  return code;
}

before(async () => {
  server = await startServer([], { TELEGRAM_BOT_TOKEN: BOT });
  moscow = await addCity(server, 'Moscow');
  kazan = await addCity(server, 'Kazan');
});
after(async () => { await server.stop(); });

test('a manager moved to another city loses the old one at once, whatever the old token says', async () => {
  const id = await addStaff(server, 'petra', 'manager', 'a long password', [moscow]);
  // A token minted while Petra managed Moscow, naming it.
  const stale = token(id, 'manager', { cityIds: [moscow] });
  const placed = await api(server, 'POST', '/api/orders', token(101, 'user'), await order(server, moscow));
  assert.equal((await api(server, 'GET', `/api/orders/${placed.body.id}`, stale)).status, 200);
  const socket = await connectAs(server, id, 'manager', { cityIds: [moscow] });

  assert.equal((await api(server, 'PUT', `/api/managers/${id}/cities`, admin, [kazan])).status, 200);
  assert.equal((await api(server, 'GET', `/api/orders/${placed.body.id}`, stale)).status, 404);
  const confirm = await api(server, 'PATCH', `/api/orders/${placed.body.id}/status`, stale, { status: 'confirmed' });
  assert.equal(confirm.status, 404);
  assert.deepEqual((await api(server, 'GET', '/api/orders', stale)).body.orders, []);

  // The open socket left the Moscow room; a reconnect with the old token is not put back.
  await api(server, 'POST', '/api/orders', token(101, 'user'), await order(server, moscow));
  assert.deepEqual(await drainToFence(server, socket, `user-${id}`), []);
  const again = await connectAs(server, id, 'manager', { cityIds: [moscow] });
  const join = await again.request({ type: 'join-room', data: { roomId: `city-${moscow}-orders` } });
  assert.equal(join.type, 'error');
  assert.equal(join.data.code, 'forbidden');
  await api(server, 'POST', '/api/orders', token(101, 'user'), await order(server, kazan));
  assert.deepEqual((await drainToFence(server, again, `user-${id}`)).map((m) => m.type), ['new-order']);
  await Promise.all([socket.close(), again.close()]);
});

test('tokens ordercast issues carry no cityIds', async () => {
  await addStaff(server, 'quinn', 'manager', 'correct horse battery', [kazan]);
  const login = await api(server, 'POST', '/api/auth/login', null, { login: 'quinn', password: 'correct horse battery' });
  assert.equal(login.status, 200);
  const claims = JSON.parse(Buffer.from(login.body.token.split('.')[1], 'base64url'));
  assert.equal(claims.cityIds, undefined);
  assert.deepEqual(login.body.user.cityIds, [kazan]);
});

test('users ordercast creates never share ids with the existing backend\'s users', async () => {
  const tg = await api(server, 'POST', '/api/auth/telegram', null, { initData: telegramInitData(BOT, { id: 5550001, first_name: 'Ann' }) });
  assert.equal(tg.status, 200);
  assert.ok(tg.body.user.id >= 1e9, `Telegram user got id ${tg.body.user.id}`);
  const mine = await api(server, 'POST', '/api/orders', tg.body.token, await order(server, moscow));
  assert.equal(mine.status, 201);
  // A backend token for user 1 sees nothing of Ann's.
  assert.equal((await api(server, 'GET', `/api/orders/${mine.body.id}`, token(1, 'user'))).status, 404);
  assert.deepEqual((await api(server, 'GET', '/api/orders', token(1, 'user'))).body.orders, []);

  // An id in ordercast's range that names no user: refused over HTTP and WebSocket.
  const ghost = token(tg.body.user.id + 1000, 'user');
  const refused = await api(server, 'GET', '/api/bonuses', ghost);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error, 'unknown-user');
  assert.equal(await closeCode(server.wsUrl(ghost)), 4001);
  const ann = await Client.connect(server.wsUrl(tg.body.token));
  assert.deepEqual(greeting(await ann.next()), { type: 'connected', data: { userId: tg.body.user.id, role: 'user' } });
  await ann.close();
});

test('ids beyond 2^53-1 are refused in tokens, paths, bodies and rooms', async () => {
  const big = 9007199254740992;
  const tooBig = sign({ userId: big, role: 'user', exp: Math.floor(Date.now() / 1000) + 60 });
  assert.equal(await closeCode(server.wsUrl(tooBig)), 4001);
  assert.equal((await api(server, 'GET', '/api/bonuses', tooBig)).status, 401);
  const raw = sign({ role: 'user', exp: Math.floor(Date.now() / 1000) + 60 }).split('.');
  // JSON.stringify cannot write 2^63-1 exactly: build the payload by hand.
  raw[1] = Buffer.from(`{"userId":9223372036854775807,"role":"user","exp":${Math.floor(Date.now() / 1000) + 60}}`).toString('base64url');
  raw[2] = crypto.createHmac('sha256', SECRET).update(`${raw[0]}.${raw[1]}`).digest('base64url');
  assert.equal(await closeCode(server.wsUrl(raw.join('.'))), 4001);
  assert.equal((await api(server, 'GET', `/api/orders/${big}`, admin)).status, 404);
  const body = await api(server, 'POST', '/api/orders', token(7, 'user'), { city_id: big, items: await lines(server, { name: 'x', price: 1, quantity: 1 }) });
  assert.equal(body.status, 400);
  const pub = await server.publish([`user-${big}`], 'x', {});
  assert.equal(pub.status, 400);
  const c = await connectAs(server, 1, 'admin');
  const join = await c.request({ type: 'join-room', data: { roomId: `user-${big}` } });
  assert.equal(join.data.code, 'bad-room');
  const ok = await c.request({ type: 'join-room', data: { roomId: 'user-9007199254740991' } });
  assert.equal(ok.type, 'room-joined');
  await c.close();
});

test('only customers place orders, and nobody moves an order to mint bonuses', async () => {
  for (const role of ['manager', 'admin', 'ceo', 'service']) {
    const res = await api(server, 'POST', '/api/orders', token(200, role, { cityIds: [moscow] }), await order(server, moscow, 100000));
    assert.equal(res.status, 403, role);
    assert.equal(res.body.error, 'forbidden');
  }
  // A backend admin token that happens to share the id of the customer.
  const placed = await api(server, 'POST', '/api/orders', token(201, 'user'), await order(server, moscow, 100000));
  const moved = await api(server, 'PATCH', `/api/orders/${placed.body.id}/status`, token(201, 'admin'), { status: 'confirmed' });
  assert.equal(moved.status, 403);
});

test('money: two decimals exactly, and earned bonuses round down', async () => {
  const u = token(300, 'user');
  // Prices are the menu's: a third decimal or more than 10,000,000 roubles never gets in.
  const third = await api(server, 'POST', '/api/menu', admin, { name: 'Thirds', price: 5000.555 });
  assert.equal(third.status, 400);
  assert.equal(third.body.error, 'bad-price');
  const huge = await api(server, 'POST', '/api/menu', admin, { name: 'Gold', price: 10000000.01 });
  assert.equal(huge.status, 400);
  const dime = await api(server, 'POST', '/api/orders', u, { city_id: moscow, items: await lines(server, { name: 'Mint', price: 0.1, quantity: 1 }) });
  assert.equal(dime.status, 201);
  assert.equal(dime.body.bonuses_earned, 0, 'a 0.10 order earns nothing, not 10 %');
  const odd = await api(server, 'POST', '/api/orders', u, { city_id: moscow, items: await lines(server, { name: 'Tea', price: 10.1, quantity: 1 }) });
  assert.equal(odd.body.bonuses_earned, 0.5, '5 % of 10.10 is 0.505, rounded down');
});

test('one customer cannot flood every admin with orders: 429 with Retry-After', async () => {
  const srv = await startServer(['--orders-per-minute', '3']);
  try {
    const city = await addCity(srv, 'Omsk');
    const u = token(400, 'user');
    for (let i = 0; i < 3; i++) assert.equal((await api(srv, 'POST', '/api/orders', u, await order(srv, city))).status, 201);
    const res = await fetch(`${srv.base}/api/orders`, { method: 'POST', headers: { authorization: `Bearer ${u}`, 'content-type': 'application/json' }, body: JSON.stringify(await order(srv, city)) });
    assert.equal(res.status, 429);
    assert.equal((await res.json()).error, 'too-many-orders');
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    assert.equal((await api(srv, 'POST', '/api/orders', token(401, 'user'), await order(srv, city))).status, 201, 'others still order');
  } finally {
    await srv.stop();
  }
});

test('a real login stays under a second while 200 wrong passwords flood in', async () => {
  await addStaff(server, 'anna', 'manager', 'the right password');
  await addStaff(server, 'boris', 'admin', 'boris password!');
  const attempt = (login, password, from) => fetch(`${server.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ login, password }),
  });
  const flood = Array.from({ length: 200 }, (_, i) => attempt('anna', `guess ${i}`, '203.0.113.7'));
  const started = Date.now();
  const real = await attempt('boris', 'boris password!', '198.51.100.20');
  const took = Date.now() - started;
  assert.equal(real.status, 200);
  assert.ok(took < 1000, `the real login took ${took} ms`);
  const answers = await Promise.all(flood);
  const statuses = answers.map((r) => r.status);
  // Only a couple of guesses at a time reach the password check; the rest are turned
  // away at once.
  assert.ok(statuses.filter((s) => s === 401).length <= 10, `statuses: ${statuses}`);
  assert.ok(statuses.every((s) => s === 401 || s === 429), `statuses: ${statuses}`);
  const limited = answers.find((r) => r.status === 429);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await limited.json()).error, 'too-many-attempts');
  // Logins are one account however they are typed.
  assert.equal((await attempt(' BORIS ', 'boris password!', '198.51.100.22')).status, 200);
  await assert.rejects(addStaff(server, 'Boris', 'admin'), /taken/);
});

// Throttled per address and per (login, address) — never per login alone: eleven wrong
// passwords a minute from anywhere used to lock the real admin out.
test('failed logins lock the address and the login from that address, never the right password from elsewhere', async () => {
  const srv = await startServer(['--login-failures-per-min', '3']);
  try {
    await addStaff(srv, 'vlad', 'admin', 'vlads password');
    await addStaff(srv, 'gleb', 'admin', 'glebs password');
    const attempt = (login, password, from) => api(srv, 'POST', '/api/auth/login', null, { login, password }, { 'x-forwarded-for': from });
    // Someone guesses vlad's password from many addresses...
    for (let i = 0; i < 12; i++) assert.equal((await attempt('vlad', 'wrong', `192.0.2.${i}`)).status, 401);
    // ...and vlad, from his own address, still gets in.
    assert.equal((await attempt('vlad', 'vlads password', '192.0.2.50')).status, 200, 'the right password from elsewhere');
    // One address guessing one login is stopped, even with the right password from there.
    for (let i = 0; i < 3; i++) assert.equal((await attempt('gleb', 'wrong', '192.0.2.60')).status, 401);
    const locked = await attempt('gleb', 'glebs password', '192.0.2.60');
    assert.equal(locked.status, 429, 'that login from that address waits');
    assert.equal(locked.body.error, 'too-many-attempts');
    // One address trying many logins is stopped for every login.
    for (let i = 0; i < 3; i++) assert.equal((await attempt(`nobody${i}`, 'wrong', '192.0.2.99')).status, 401);
    assert.equal((await attempt('gleb', 'glebs password', '192.0.2.99')).status, 429, 'that address is locked');
    assert.equal((await attempt('gleb', 'glebs password', '192.0.2.100')).status, 200, 'others are not');
  } finally {
    await srv.stop();
  }
});

test('password checks waiting for the hashing thread are bounded: the rest get 503 busy at once', async () => {
  const srv = await startServer();
  try {
    // Thirty senders at once, each from its own address and for its own login.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => api(srv, 'POST', '/api/auth/login', null,
      { login: `someone${i}`, password: 'whatever it is' }, { 'x-forwarded-for': `192.0.2.${i + 1}` })));
    const busy = answers.filter((a) => a.status === 503);
    // Eight may wait (the server's queue), and the hashing thread may not have taken the
    // first of them yet when the ninth arrives: at least eight are checked, never all thirty.
    assert.ok(busy.length >= 1 && busy.length <= 22, `statuses: ${answers.map((a) => a.status)}`);
    assert.equal(busy[0].body.error, 'busy');
    assert.ok(answers.every((a) => a.status === 401 || a.status === 503));
  } finally {
    await srv.stop();
  }
});

test('city names that differ only in case or spaces are one city; blank names are refused', async () => {
  for (const name of ['moscow', '  MOSCOW  ', 'Kazan ']) {
    const res = await api(server, 'POST', '/api/cities', admin, { name });
    assert.equal(res.status, 409, name);
    assert.equal(res.body.error, 'city-exists');
  }
  const blank = await api(server, 'POST', '/api/cities', admin, { name: '   ' });
  assert.equal(blank.status, 400);
  assert.equal((await api(server, 'POST', '/api/cities', admin, { name: 'Санкт-Петербург' })).status, 201);
  assert.equal((await api(server, 'POST', '/api/cities', admin, { name: 'санкт-петербург' })).status, 409);
});

test('a user\'s sockets past the cap close the oldest with 1008', async () => {
  const srv = await startServer(['--max-sockets-per-user', '3']);
  try {
    const sockets = [];
    for (let i = 0; i < 3; i++) sockets.push(await connectAs(srv, 500, 'user'));
    const other = await connectAs(srv, 501, 'user');
    const fourth = await connectAs(srv, 500, 'user');
    assert.deepEqual(await sockets[0].closed, { code: 1008, reason: 'too many connections' });
    // The others, the newest and another user's socket stay open and served.
    for (const c of [sockets[1], sockets[2], fourth, other]) assert.equal((await c.request({ type: 'ping' })).type, 'pong');
    await Promise.all([sockets[1], sockets[2], fourth, other].map((c) => c.close()));
  } finally {
    await srv.stop();
  }
});

test('a signed initData whose user id is not a whole number is refused and the server lives on', async () => {
  for (const id of ['1.5', '1e30', '9223372036854775808']) {
    const initData = telegramInitData(BOT, `{"id":${id},"first_name":"X"}`);
    const res = await api(server, 'POST', '/api/auth/telegram', null, { initData });
    assert.equal(res.status, 401, id);
    assert.equal(res.body.error, 'invalid-init-data');
  }
  assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
});

test('an invalid ?token= is not rescued by a valid Authorization header: the query wins', async () => {
  const c = new Client(server.wsUrl('not-a-token'), { headers: { authorization: `Bearer ${admin}` } });
  assert.equal((await c.closed).code, 4001);
  const header = new Client(`ws://127.0.0.1:${server.port}/`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal((await header.next()).type, 'connected');
  await header.close();
});

test('a JWT_SECRET with too little variety refuses to start', async () => {
  for (const weak of [' '.repeat(32), 'ab'.repeat(20)]) {
    const proc = spawn(process.env.ORDERCAST_BIN, ['--port', '0'], { env: { ...process.env, JWT_SECRET: weak }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((resolve) => proc.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /JWT_SECRET/);
  }
});

// Starts the server under `ulimit -n`: soft `soft`, hard `hard`.
async function startLimited(soft, hard) {
  const bin = process.env.ORDERCAST_BIN;
  const wrapper = `ulimit -Sn ${soft} && ulimit -Hn ${hard} && exec "$0" "$@"`;
  return startServer([], {}, { command: ['sh', '-c', wrapper, bin] });
}

test('the open-files limit is raised to the hard limit at start and logged', async () => {
  const srv = await startLimited(256, 4096);
  try {
    assert.match(srv.log(), /open files limit 4096/);
  } finally {
    await srv.stop();
  }
});

// The sanitizer runtime itself needs descriptors (its checks probe memory through a pipe),
// so out of descriptors it reports false errors: this one runs on the release build only.
const sanitized = process.env.ORDERCAST_SANITIZE === '1' && 'the sanitizer runtime needs file descriptors of its own';

test('out of descriptors, accepting backs off with one log line and resumes', { skip: sanitized }, async () => {
  const srv = await startLimited(128, 128);
  const held = [];
  try {
    // Far more connections than descriptors: the kernel queues them, accept() fails.
    for (let i = 0; i < 250; i++) {
      const s = net.connect(srv.port, '127.0.0.1');
      s.on('error', () => {});
      held.push(s);
    }
    await eventually(() => srv.log().includes('accept failed'), 10000);
    // Then a while longer, to see that the failing accepts are not logged again and again.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const failures = srv.log().match(/accept failed/g) ?? [];
    assert.equal(failures.length, 1, srv.log());
    for (const s of held) s.destroy();
    held.length = 0;
    // Once descriptors are free again, it serves.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await fetch(`${srv.base}/healthz`).then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 200);
  } finally {
    for (const s of held) s.destroy();
    await srv.stop();
  }
});

test('no password from any URL reaches the log', async () => {
  const pg = await startPostgres();
  const redis = await startRedis({ password: 'R3dis-pass-word' });
  const gulyash = await startGulyash();
  const dbUrl = pg.url.replace('postgresql://postgres@', 'postgresql://postgres:Pg-Pass-word@');
  const gulyashUrl = gulyash.url.replace('http://', 'http://fake:Gul-Pass-word@');
  const srv = await startServer(['--log-level', 'debug'], { DATABASE_URL: dbUrl, REDIS_URL: redis.url, GULYASH_URL: gulyashUrl });
  try {
    const city = await addCity(srv, 'Tula');
    await api(srv, 'POST', '/api/orders', token(600, 'user'), await order(srv, city));
    await redis.stop();  // errors and reconnects get logged too
    await eventually(async () => (await readiness(srv)).body.checks.broker === 'down', 10000);
    await redis.restart();
    // A wrong Redis password is refused without echoing either one.
    const wrong = await startServer([], { REDIS_URL: redis.url.replace('R3dis-pass-word', 'Wrong-pass-word') });
    await eventually(() => wrong.log().includes('AUTH refused'), 10000);
    const wrongLog = wrong.log();
    await wrong.stop();
    const log = srv.log() + wrongLog;
    assert.match(log, /redis/);
    for (const secret of ['Pg-Pass-word', 'R3dis-pass-word', 'Gul-Pass-word', 'Wrong-pass-word']) {
      assert.ok(!log.includes(secret), `${secret} appears in the log:\n${log}`);
    }
    assert.match(log, /\*\*\*/);
  } finally {
    await srv.stop();
    await Promise.all([redis.stop(), gulyash.stop(), pg.stop()]);
  }
});

// A client that sends a whole body over the limit reads its 413: the server drains what is
// still coming before it closes, so no reset destroys the answer in flight.
test('a body over 1 MiB sent whole gets its 413 answer, never a connection reset', async () => {
  const srv = await startServer();
  try {
    const body = Buffer.alloc(3 << 20, 'x');
    for (let i = 0; i < 5; i++) {
      const answer = await new Promise((resolve) => {
        const s = net.connect(srv.port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => { got += d; });
        s.on('error', (e) => resolve({ got, error: e.code }));
        s.on('close', () => resolve({ got }));
        s.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
        s.end(body);
      });
      assert.equal(answer.error, undefined, `attempt ${i}: ${answer.error} after ${JSON.stringify(answer.got.slice(0, 80))}`);
      assert.match(answer.got, /^HTTP\/1\.1 413 /);
      assert.equal(JSON.parse(answer.got.slice(answer.got.indexOf('\r\n\r\n') + 4)).error, 'payload-too-large');
    }
  } finally {
    await srv.stop();
  }
});
