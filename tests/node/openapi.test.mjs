// docs/openapi.json (docs/protocol.md §12.2) is served by the binary, is valid OpenAPI 3.1, and
// holds true for the running server: every route is driven to its success and to each
// error the document lists, every answer is validated against it, and a documented answer
// no request produced fails the suite (the few that need a race or a fault of the server
// itself are named below, with why).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, token, telegramInitData, eventually } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startGulyash } from './lib/fake-gulyash.mjs';
import { openapiChecker, docPath } from './lib/openapi-check.mjs';

const BOT = '123456:openapi-suite-bot-token';
const checker = openapiChecker();
const admin = token(1, 'admin');
const ceo = token(2, 'ceo');
const customer = token(10, 'user');
const service = token(900, 'service');

// One request through the checker: the answer must be documented and match.
async function call(srv, method, url, tok, body, headers = {}) {
  const res = await fetch(`${srv.base}${url}`, {
    method,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return checker.check(method, url, res);
}
async function expect(srv, status, code, method, url, tok, body, headers) {
  const res = await call(srv, method, url, tok, body, headers);
  assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
  if (code) assert.equal(res.body.error, code, `${method} ${url} ${JSON.stringify(body)}`);
  return res;
}

// A valid request of every operation, given the ids it needs: the success of each, and
// the request every generic refusal (401, 413, 503) is tried with.
function validRequests(ids) {
  return [
    ['GET', '/api/me', admin],
    ['GET', '/api/staff', admin],
    ['POST', '/api/staff', admin, { login: `m${ids.n++}`, password: 'a long enough one', role: 'manager', cityIds: [ids.city] }],
    ['DELETE', `/api/staff/${ids.staff}`, admin],
    ['POST', '/api/orders', customer, { city_id: ids.city, items: [{ menuItemId: ids.item, quantity: 1 }] }],
    ['GET', '/api/orders', admin],
    ['GET', `/api/orders/${ids.order}`, admin],
    ['PATCH', `/api/orders/${ids.order}/status`, admin, { status: 'confirmed' }],
    ['GET', '/api/bonuses', customer],
    ['GET', `/api/menu?city_id=${ids.city}`, customer],
    ['POST', '/api/menu', admin, { name: `Dish ${ids.n++}`, price: 10 }],
    ['PATCH', `/api/menu/${ids.item}`, admin, { price: 12.5 }],
    ['GET', '/api/cities', customer],
    ['POST', '/api/cities', admin, { name: `Town ${ids.n++}` }],
    ['GET', '/api/presence', admin],
    ['PUT', `/api/managers/${ids.manager}/cities`, admin, [ids.city]],
    ['POST', '/api/events', service, { rooms: ['admin-orders'], type: 'note', data: {} }],
    ['GET', '/api/sync/failed', admin],
    ['POST', `/api/sync/order/${ids.order}/retry`, admin],
  ];
}

let srv;
let gulyash;
before(async () => {
  gulyash = await startGulyash();
  gulyash.setMode('fail');
  srv = await startServer([], { GULYASH_URL: gulyash.url, GULYASH_API_KEY: 'gulyash-key-openapi-1', GULYASH_MAX_ATTEMPTS: '1', ORDERS_PER_MINUTE: '20', LOGIN_FAILURES_PER_MIN: '3' });
});
after(async () => {
  await srv.stop();
  await gulyash.stop?.();
});

test('GET /openapi.json is docs/openapi.json, valid OpenAPI 3.1, cacheable by ETag', async () => {
  const served = await fetch(`${srv.base}/openapi.json`);
  assert.equal(served.status, 200);
  assert.match(served.headers.get('content-type'), /^application\/json/);
  const text = await served.text();
  assert.equal(text, fs.readFileSync(docPath, 'utf8'), 'the binary serves the file of the repository');
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(text));
  assert.deepEqual(result, { valid: true }, JSON.stringify(result.errors, null, 1)?.slice(0, 3000));
  assert.equal(validator.version, '3.1');
  const again = await fetch(`${srv.base}/openapi.json`, { headers: { 'if-none-match': served.headers.get('etag') } });
  assert.equal(again.status, 304);
  // The order of the HTTP API is the order of the events, word for word.
  const events = JSON.parse(fs.readFileSync(new URL('../../docs/events.schema.json', import.meta.url)));
  const asComponents = (v) => JSON.parse(JSON.stringify(v).replaceAll('#/$defs/', '#/components/schemas/'));
  assert.deepEqual(JSON.parse(text).components.schemas.order, asComponents(events.$defs.order));
  // The validator is no rubber stamp.
  const broken = JSON.parse(text);
  broken.paths['/api/me'].get.responses = { 200: { content: {} } };
  assert.equal((await new Validator().validate(broken)).valid, false);
});

test('every route answers as documented: each success and each listed error, validated against the document', async () => {
  const s = srv;
  // Health and assets.
  await expect(s, 200, null, 'GET', '/healthz');
  await expect(s, 200, null, 'GET', '/readyz');
  await expect(s, 200, null, 'GET', '/metrics');
  const board = await expect(s, 200, null, 'GET', '/');
  await expect(s, 200, null, 'GET', '/app');
  const hashed = /src="(\/assets\/[^"]+\.js)"/.exec(board.body)[1];
  for (const asset of ['/client.js', '/openapi.json', hashed]) {
    const first = await expect(s, 200, null, 'GET', asset);
    await expect(s, 304, null, 'GET', asset, null, undefined, { 'if-none-match': first.headers.get('etag') });
  }
  await expect(s, 404, 'not-found', 'GET', hashed.replace(/\.[0-9a-f]{16}\./, '.0000000000000000.'));

  // Cities.
  const city = (await expect(s, 201, null, 'POST', '/api/cities', admin, { name: 'Omsk' })).body.id;
  await expect(s, 200, null, 'GET', '/api/cities', customer);
  await expect(s, 400, 'bad-json', 'POST', '/api/cities', admin, '{');
  await expect(s, 400, 'bad-request', 'POST', '/api/cities', admin, { name: '   ' });
  await expect(s, 400, 'bad-name', 'POST', '/api/cities', admin, { name: 'Om\u200bsk' });
  await expect(s, 403, 'forbidden', 'POST', '/api/cities', customer, { name: 'Tomsk' });
  await expect(s, 409, 'city-exists', 'POST', '/api/cities', admin, { name: 'OMSK' });

  // Menu.
  const soup = (await expect(s, 201, null, 'POST', '/api/menu', admin, { name: 'Soup', price: 400 })).body;
  const bread = (await expect(s, 201, null, 'POST', '/api/menu', admin, { name: 'Bread', price: 10.5, cityIds: [city] })).body;
  for (const [method, url] of [['POST', '/api/menu'], ['PATCH', `/api/menu/${soup.id}`]]) {
    await expect(s, 400, 'bad-json', method, url, admin, '{');
    await expect(s, 400, 'bad-request', method, url, admin, [1]);
    await expect(s, 400, 'bad-name', method, url, admin, { name: 5, price: 1 });
    await expect(s, 400, 'bad-price', method, url, admin, { name: 'Tea', price: 'cheap' });
    await expect(s, 400, 'bad-cities', method, url, admin, { name: 'Tea', price: 1, cityIds: 'all' });
    await expect(s, 400, 'bad-available', method, url, admin, { name: 'Tea', price: 1, available: 'yes' });
    await expect(s, 422, 'unknown-city', method, url, admin, { name: 'Tea', price: 1, cityIds: [99999] });
    await expect(s, 403, 'forbidden', method, url, customer, { name: 'Tea', price: 1 });
  }
  await expect(s, 409, 'menu-item-exists', 'POST', '/api/menu', admin, { name: 'Soup', price: 1 });
  await expect(s, 409, 'menu-item-exists', 'PATCH', `/api/menu/${soup.id}`, admin, { name: 'Bread' });
  await expect(s, 404, 'not-found', 'PATCH', '/api/menu/99999', admin, { price: 1 });
  await expect(s, 200, null, 'PATCH', `/api/menu/${soup.id}`, admin, { price: 500, available: true });
  await expect(s, 200, null, 'GET', `/api/menu?city_id=${city}`, customer);
  await expect(s, 400, 'bad-query', 'GET', '/api/menu?city_id=x', customer);
  await expect(s, 404, 'not-found', 'GET', '/api/menu?city_id=99999', customer);

  // Orders and bonuses.
  const order = (body) => ({ city_id: city, items: [{ menuItemId: soup.id, quantity: 2 }], ...body });
  const first = (await expect(s, 201, null, 'POST', '/api/orders', customer, order({ comment: 'door code 12' }), { 'idempotency-key': 'checkout-1' })).body;
  const replayed = await expect(s, 201, null, 'POST', '/api/orders', customer, order({ comment: 'door code 12' }), { 'idempotency-key': 'checkout-1' });
  assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(replayed.body, first);
  await expect(s, 422, 'idempotency-key-reused', 'POST', '/api/orders', customer, order({ comment: 'other' }), { 'idempotency-key': 'checkout-1' });
  await expect(s, 400, 'bad-idempotency-key', 'POST', '/api/orders', customer, order(), { 'idempotency-key': 'k'.repeat(256) });
  await expect(s, 400, 'bad-json', 'POST', '/api/orders', customer, '{');
  await expect(s, 400, 'bad-request', 'POST', '/api/orders', customer, { items: [] });
  await expect(s, 400, 'bad-items', 'POST', '/api/orders', customer, order({ items: [{ menuItemId: soup.id, quantity: 0 }] }));
  await expect(s, 400, 'bad-bonuses', 'POST', '/api/orders', customer, order({ bonuses_used: -1 }));
  await expect(s, 400, 'bad-comment', 'POST', '/api/orders', customer, order({ comment: 5 }));
  await expect(s, 403, 'forbidden', 'POST', '/api/orders', admin, order());
  await expect(s, 422, 'unknown-item', 'POST', '/api/orders', customer, order({ items: [{ menuItemId: 99999, quantity: 1 }] }));
  await expect(s, 422, 'unknown-city', 'POST', '/api/orders', customer, order({ city_id: 99999 }));
  await expect(s, 422, 'insufficient-bonuses', 'POST', '/api/orders', customer, order({ bonuses_used: 1 }));
  // Completing the first order earns 5 % of 1000 = 50: more than a 10.50 bread.
  for (const status of ['confirmed', 'preparing', 'ready', 'completed'])
    await expect(s, 200, null, 'PATCH', `/api/orders/${first.id}/status`, admin, { status });
  await expect(s, 422, 'bonuses-exceed-subtotal', 'POST', '/api/orders', customer,
    { city_id: city, items: [{ menuItemId: bread.id, quantity: 1 }], bonuses_used: 20 });
  const bonuses = (await expect(s, 200, null, 'GET', '/api/bonuses', customer)).body;
  assert.equal(bonuses.balance, 50);
  const second = (await expect(s, 201, null, 'POST', '/api/orders', customer, order({ bonuses_used: 5 }))).body;
  const hungry = token(11, 'user');
  let limited;
  for (let i = 0; i < 25 && !limited; i++) {
    const res = await call(s, 'POST', '/api/orders', hungry, order());
    if (res.status === 429) limited = res;
  }
  assert.equal(limited?.body.error, 'too-many-orders');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);

  const page = (await expect(s, 200, null, 'GET', '/api/orders?limit=1', admin)).body;
  assert.notEqual(page.next_before, null);
  await expect(s, 200, null, 'GET', `/api/orders?status=completed&city_id=${city}&limit=100&before=${page.next_before + 1}`, admin);
  await expect(s, 400, 'bad-query', 'GET', '/api/orders?limit=0', admin);
  await expect(s, 400, 'bad-status', 'GET', '/api/orders?status=eaten', admin);
  await expect(s, 200, null, 'GET', `/api/orders/${second.id}`, customer);
  await expect(s, 404, 'not-found', 'GET', `/api/orders/${second.id}`, token(12, 'user'));
  await expect(s, 400, 'bad-json', 'PATCH', `/api/orders/${second.id}/status`, admin, '{');
  await expect(s, 400, 'bad-request', 'PATCH', `/api/orders/${second.id}/status`, admin, {});
  await expect(s, 400, 'bad-status', 'PATCH', `/api/orders/${second.id}/status`, admin, { status: 'eaten' });
  await expect(s, 403, 'forbidden', 'PATCH', `/api/orders/${second.id}/status`, customer, { status: 'confirmed' });
  await expect(s, 404, 'not-found', 'PATCH', '/api/orders/99999/status', admin, { status: 'confirmed' });
  await expect(s, 409, 'invalid-transition', 'PATCH', `/api/orders/${first.id}/status`, admin, { status: 'pending' });

  // Sync: Gulyash refuses, one attempt allowed, so the order's delivery has failed.
  await eventually(async () => (await call(s, 'GET', '/api/sync/failed', admin)).body.failed.some((f) => f.entityId === second.id));
  await expect(s, 403, 'forbidden', 'GET', '/api/sync/failed', token(3, 'manager', { cityIds: [city] }));
  await expect(s, 202, null, 'POST', `/api/sync/order/${second.id}/retry`, admin);
  await expect(s, 404, 'not-found', 'POST', '/api/sync/invoice/1/retry', admin);
  await expect(s, 404, 'not-found', 'POST', '/api/sync/order/99999/retry', admin);
  await expect(s, 403, 'forbidden', 'POST', `/api/sync/order/${second.id}/retry`, customer);

  // Events.
  await expect(s, 202, null, 'POST', '/api/events', service, { rooms: ['admin-orders', `city-${city}-orders`], type: 'note', data: { a: 1 } });
  await expect(s, 400, 'bad-json', 'POST', '/api/events', service, '{');
  await expect(s, 400, 'bad-request', 'POST', '/api/events', service, { rooms: [] });
  await expect(s, 400, 'bad-room', 'POST', '/api/events', service, { rooms: ['lobby'], type: 'note', data: {} });
  await expect(s, 400, 'bad-type', 'POST', '/api/events', service, { rooms: ['admin-orders'], type: 'Note!', data: {} });
  await expect(s, 400, 'reserved-type', 'POST', '/api/events', service, { rooms: ['admin-orders'], type: 'connected', data: {} });
  await expect(s, 403, 'forbidden', 'POST', '/api/events', customer, { rooms: ['admin-orders'], type: 'note', data: {} });
  await expect(s, 413, 'event-too-large', 'POST', '/api/events', service, { rooms: ['admin-orders'], type: 'note', data: { blob: 'x'.repeat(70000) } });

  // Staff, who-am-I, presence, managers' cities.
  const made = (await expect(s, 201, null, 'POST', '/api/staff', admin, { login: ' Irina ', password: 'a long enough one', role: 'manager', cityIds: [city] })).body;
  await expect(s, 200, null, 'GET', '/api/staff', admin);
  await expect(s, 403, 'forbidden', 'GET', '/api/staff', customer);
  await expect(s, 400, 'bad-json', 'POST', '/api/staff', admin, '{');
  await expect(s, 400, 'bad-request', 'POST', '/api/staff', admin, { login: 'x', role: 'manager' });
  await expect(s, 400, 'bad-login', 'POST', '/api/staff', admin, { login: '   ', password: 'a long enough one', role: 'manager' });
  await expect(s, 400, 'bad-cities', 'POST', '/api/staff', admin, { login: 'pavel', password: 'a long enough one', role: 'manager', cityIds: ['x'] });
  await expect(s, 403, 'forbidden', 'POST', '/api/staff', admin, { login: 'pavel', password: 'a long enough one', role: 'ceo' });
  await expect(s, 409, 'login-taken', 'POST', '/api/staff', admin, { login: 'IRINA', password: 'a long enough one', role: 'manager' });
  await expect(s, 422, 'weak-password', 'POST', '/api/staff', admin, { login: 'pavel', password: 'short', role: 'manager' });
  await expect(s, 422, 'unknown-city', 'POST', '/api/staff', admin, { login: 'pavel', password: 'a long enough one', role: 'manager', cityIds: [99999] });
  await expect(s, 422, 'bad-role', 'POST', '/api/staff', admin, { login: 'pavel', password: 'a long enough one', role: 'user' });
  const boss = (await expect(s, 201, null, 'POST', '/api/staff', ceo, { login: 'boss', password: 'a long enough one', role: 'admin' })).body;

  const signedIn = (await expect(s, 200, null, 'POST', '/api/auth/login', null, { login: 'IRINA', password: 'a long enough one' })).body;
  await expect(s, 400, 'bad-json', 'POST', '/api/auth/login', null, '{');
  await expect(s, 400, 'bad-request', 'POST', '/api/auth/login', null, { login: 'irina' });
  const wrong = (address) => call(s, 'POST', '/api/auth/login', null, { login: 'irina', password: 'not her password' }, { 'x-forwarded-for': address });
  assert.equal((await wrong('192.0.2.1')).body.error, 'invalid-credentials');
  let throttled;
  for (let i = 0; i < 6 && !throttled; i++) {
    const res = await wrong('192.0.2.2');
    if (res.status === 429) throttled = res;
  }
  assert.equal(throttled?.body.error, 'too-many-attempts');
  // Password checks waiting for the hashing thread are bounded: the rest are refused at once.
  const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => call(s, 'POST', '/api/auth/login', null,
    { login: `nobody${i}`, password: 'whatever it is' }, { 'x-forwarded-for': `198.51.100.${i + 1}` })));
  assert.ok(flood.some((r) => r.body.error === 'busy'), `statuses: ${flood.map((r) => r.status)}`);
  const hashes = await Promise.all(Array.from({ length: 30 }, (_, i) => call(s, 'POST', '/api/staff', admin,
    { login: `crowd${i}`, password: 'a long enough one', role: 'manager' })));
  assert.ok(hashes.some((r) => r.body?.error === 'busy'), `statuses: ${hashes.map((r) => r.status)}`);

  const me = (await expect(s, 200, null, 'GET', '/api/me', signedIn.token)).body;
  assert.deepEqual(me, { userId: made.id, role: 'manager', cityIds: [city], login: 'irina' });
  await expect(s, 200, null, 'GET', '/api/me', customer);
  await expect(s, 200, null, 'GET', '/api/presence', signedIn.token);
  await expect(s, 403, 'forbidden', 'GET', '/api/presence', customer);
  await expect(s, 200, null, 'PUT', `/api/managers/${made.id}/cities`, admin, [city]);
  await expect(s, 400, 'bad-json', 'PUT', `/api/managers/${made.id}/cities`, admin, '[');
  await expect(s, 400, 'bad-request', 'PUT', `/api/managers/${made.id}/cities`, admin, { cityIds: [city] });
  await expect(s, 403, 'forbidden', 'PUT', `/api/managers/${made.id}/cities`, signedIn.token, [city]);
  await expect(s, 404, 'not-found', 'PUT', '/api/managers/1999999999/cities', admin, [city]);
  await expect(s, 409, 'not-a-manager', 'PUT', `/api/managers/${boss.id}/cities`, admin, [city]);
  await expect(s, 422, 'unknown-city', 'PUT', `/api/managers/${made.id}/cities`, admin, [99999]);

  await expect(s, 403, 'forbidden', 'DELETE', `/api/staff/${boss.id}`, admin);
  await expect(s, 403, 'forbidden', 'DELETE', `/api/staff/${made.id}`, signedIn.token);
  await expect(s, 404, 'not-found', 'DELETE', '/api/staff/1999999999', admin);
  await expect(s, 204, null, 'DELETE', `/api/staff/${boss.id}`, ceo);

  // Telegram login is off on this server (no TELEGRAM_BOT_TOKEN).
  await expect(s, 503, 'telegram-disabled', 'POST', '/api/auth/telegram', null, { initData: 'x=1' });

  // The generic refusals, on every route that takes a token or a body: no token, an expired
  // one, one of a user this server never had, one issued before its account's password
  // changed; a body over 1 MiB.
  const changed = (await expect(s, 201, null, 'POST', '/api/staff', ceo, { login: 'changed', password: 'a long enough one', role: 'admin' })).body;
  const oldToken = token(changed.id, 'admin', { iat: Math.floor(Date.now() / 1000) - 10 });
  const passwd = spawnSync(process.env.ORDERCAST_BIN, ['user', 'passwd', '--login', 'changed', '--database-url', s.databaseUrl],
    { input: 'another long password\n', encoding: 'utf8' });
  assert.equal(passwd.status, 0, passwd.stderr);
  const past = Math.floor(Date.now() / 1000) - 3600;
  const ids = { city, item: soup.id, order: second.id, staff: made.id, manager: made.id, n: 0 };
  for (const [method, url, , body] of validRequests(ids)) {
    await expect(s, 401, 'unauthorized', method, url, null, body);
    await expect(s, 401, 'token-expired', method, url, token(1, 'admin', { iat: past - 60, exp: past }), body);
    await expect(s, 401, 'unknown-user', method, url, token(1999999999, 'admin'), body);
    await expect(s, 401, 'token-revoked', method, url, oldToken, body);
    if (body !== undefined) await expect(s, 413, 'payload-too-large', method, url, admin, `"${'x'.repeat((1 << 20) + 10)}"`);
  }
  for (const url of ['/api/auth/login', '/api/auth/telegram'])
    await expect(s, 413, 'payload-too-large', 'POST', url, null, `"${'x'.repeat((1 << 20) + 10)}"`);
});

test('on PostgreSQL: Telegram sign-in, and every route answers 503 as documented when the database is full or gone', async () => {
  const pg = await startPostgres();
  const p = await startServer([], { DATABASE_URL: pg.url, DATABASE_POOL: '1', TELEGRAM_BOT_TOKEN: BOT });
  try {
    const initData = telegramInitData(BOT, { id: 777001, first_name: 'Anya', username: 'anya' });
    const customerOf = (await expect(p, 200, null, 'POST', '/api/auth/telegram', null, { initData })).body;
    await expect(p, 400, 'bad-json', 'POST', '/api/auth/telegram', null, '{');
    await expect(p, 400, 'bad-request', 'POST', '/api/auth/telegram', null, {});
    await expect(p, 401, 'invalid-init-data', 'POST', '/api/auth/telegram', null, { initData: `${initData}0` });
    assert.equal(customerOf.user.role, 'user');

    // Fill the queue behind a frozen database: 503 database-busy at once.
    pg.freeze();
    const flood = Array.from({ length: 1100 }, () => fetch(`${p.base}/api/cities`, { headers: { authorization: `Bearer ${admin}` } }).catch(() => null));
    await eventually(async () => (await call(p, 'GET', '/api/cities', admin)).status === 503, 10000);
    await expect(p, 503, 'database-busy', 'GET', '/api/cities', admin);
    pg.thaw();
    await Promise.all(flood);

    const city = (await expect(p, 201, null, 'POST', '/api/cities', admin, { name: 'Ufa' })).body.id;
    const item = (await expect(p, 201, null, 'POST', '/api/menu', admin, { name: 'Pie', price: 90 })).body.id;
    const order = (await expect(p, 201, null, 'POST', '/api/orders', customer, { city_id: city, items: [{ menuItemId: item, quantity: 1 }] })).body.id;
    const staff = (await expect(p, 201, null, 'POST', '/api/staff', admin, { login: 'olga', password: 'a long enough one', role: 'manager' })).body.id;
    await pg.halt();
    await eventually(async () => (await call(p, 'GET', '/readyz')).status === 503, 10000);
    await expect(p, 503, 'database-unavailable', 'POST', '/api/auth/login', null, { login: 'olga', password: 'a long enough one' });
    await expect(p, 503, 'database-unavailable', 'POST', '/api/auth/telegram', null, { initData });
    for (const [method, url, tok, body] of validRequests({ city, item, order, staff, manager: staff, n: 0 }))
      await expect(p, 503, 'database-unavailable', method, url, tok, body);
  } finally {
    await p.stop('SIGKILL');
    await pg.stop();
  }
});

test('the check is no rubber stamp: an extra field, a wrong type, an unlisted code or status fail it', async () => {
  const answer = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const order = { id: 1, order_number: '1', user_id: 10, city_id: 1, status: 'pending', subtotal: 1, total: 1, bonuses_used: 0, bonuses_earned: 0.05,
    items: [{ menuItemId: 1, name: 'Soup', price: 1, quantity: 1 }], comment: '', created_at: '2024-01-15T10:30:00.000Z', updated_at: '2024-01-15T10:30:00.000Z' };
  const before = checker.observed.size;
  await assert.rejects(checker.check('GET', '/api/orders/1', answer(200, { ...order, secret: 1 })), /does not match/);
  await assert.rejects(checker.check('GET', '/api/orders/1', answer(200, { ...order, total: '1' })), /does not match/);
  await assert.rejects(checker.check('GET', '/api/orders/1', answer(404, { error: 'gone', message: 'x' })), /does not match/);
  await assert.rejects(checker.check('GET', '/api/orders/1', answer(418, { error: 'teapot', message: 'x' })), /does not list/);
  await assert.rejects(checker.check('GET', '/api/nothing', answer(200, {})), /no such path/);
  assert.equal(checker.observed.size, before, 'refused answers count as nothing tried');
});

// What no request of a client can produce on purpose, and where it is checked instead.
const exempt = {
  internal: 'a fault of the server itself; no request produces it on purpose',
  'status-changed': 'two changes of one order racing between its read and its conditional write, which no client can time',
  'idempotency-key-in-use': 'two requests with one key racing to commit; the race is the contract test PostgresInstances.OneIdempotencyKeyFromEightInstancesAtOnceMakesOneOrder',
};

// The same on every route (one queue in front of the database): shown once is shown.
const onceAnywhere = ['database-busy'];

test('no documented answer is left untried', (t) => {
  const seen = (code) => [...checker.observed].some((o) => o.endsWith(` ${code}`));
  const missing = checker.missing((d) => Object.keys(exempt).some((code) => d.endsWith(` ${code}`)) ||
    onceAnywhere.some((code) => d.endsWith(` ${code}`) && seen(code)));
  for (const [code, why] of Object.entries(exempt)) t.diagnostic(`not driven here: ${code} — ${why}`);
  assert.deepEqual(missing, [], `documented but never answered:\n${missing.join('\n')}`);
});
