// Staff accounts over HTTP (docs/protocol.md §7): who may do what, the CLI's rules (login folding
// and uniqueness, password length, known cities), a removed account's id kept and its tokens
// ended; a manager created over HTTP logs in and connects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, token, api, greeting } from './lib/server.mjs';

let server;
let city;
const admin = token(1, 'admin');
const ceo = token(2, 'ceo');
before(async () => {
  server = await startServer();
  city = (await api(server, 'POST', '/api/cities', admin, { name: 'Samara' })).body.id;
});
after(async () => { await server.stop(); });

test('an admin creates a manager over HTTP, who then logs in and connects', async () => {
  const made = await api(server, 'POST', '/api/staff', admin, { login: ' Marina ', password: 'a long enough one', role: 'manager', cityIds: [city] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual({ ...made.body, id: undefined }, { id: undefined, login: 'marina', role: 'manager', cityIds: [city] });
  assert.ok(made.body.id >= 1e9, 'an id of ordercast range');
  const login = await api(server, 'POST', '/api/auth/login', null, { login: 'MARINA', password: 'a long enough one' });
  assert.equal(login.status, 200);
  const socket = await Client.connect(server.wsUrl(login.body.token));
  assert.deepEqual(greeting(await socket.next()), { type: 'connected', data: { userId: made.body.id, role: 'manager' } });
  await socket.close();
  const list = await api(server, 'GET', '/api/staff', admin);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.staff.find((s) => s.id === made.body.id), made.body);
  assert.ok(list.body.staff.every((s) => !('password_hash' in s) && !('passwordHash' in s)), 'never a hash');
});

test('refusals: 409 a login taken in another case, 422 weak password, unknown city or role, 403 for the wrong caller', async () => {
  await api(server, 'POST', '/api/staff', admin, { login: 'oleg', password: 'a long enough one', role: 'manager' });
  const cases = [
    [admin, { login: 'OLEG', password: 'a long enough one', role: 'manager' }, 409, 'login-taken'],
    [admin, { login: 'pyotr', password: 'short', role: 'manager' }, 422, 'weak-password'],
    [admin, { login: 'pyotr', password: 'a long enough one', role: 'manager', cityIds: [99999] }, 422, 'unknown-city'],
    [admin, { login: 'pyotr', password: 'a long enough one', role: 'service' }, 422, 'bad-role'],
    [admin, { login: 'pyotr', password: 'a long enough one', role: 'user' }, 422, 'bad-role'],
    [admin, { login: 'pyotr', password: 'a long enough one', role: 'admin' }, 403, 'forbidden'],
    [token(3, 'manager', { cityIds: [city] }), { login: 'pyotr', password: 'a long enough one', role: 'manager' }, 403, 'forbidden'],
    [token(4, 'user'), { login: 'pyotr', password: 'a long enough one', role: 'manager' }, 403, 'forbidden'],
    [admin, { login: 'pyotr', role: 'manager' }, 400, 'bad-request'],
  ];
  for (const [tok, body, status, error] of cases) {
    const res = await api(server, 'POST', '/api/staff', tok, body);
    assert.equal(res.status, status, JSON.stringify([body, res.body]));
    assert.equal(res.body.error, error, JSON.stringify(body));
  }
  assert.equal((await api(server, 'POST', '/api/staff', ceo, { login: 'pyotr', password: 'a long enough one', role: 'admin' })).status, 201, 'the CEO creates admins');
  for (const tok of [token(3, 'manager', { cityIds: [city] }), token(4, 'user'), token(900, 'service')]) assert.equal((await api(server, 'GET', '/api/staff', tok)).status, 403);
  assert.equal((await api(server, 'GET', '/api/staff')).status, 401);
});

test('DELETE /api/staff/{id}: the account ends (its tokens stop working), only the CEO removes admins', async () => {
  const manager = (await api(server, 'POST', '/api/staff', admin, { login: 'vera', password: 'a long enough one', role: 'manager' })).body;
  const boss = (await api(server, 'POST', '/api/staff', ceo, { login: 'lev', password: 'a long enough one', role: 'admin' })).body;
  const session = (await api(server, 'POST', '/api/auth/login', null, { login: 'vera', password: 'a long enough one' })).body.token;
  assert.equal((await api(server, 'DELETE', `/api/staff/${boss.id}`, admin)).status, 403);
  assert.equal((await api(server, 'DELETE', `/api/staff/${manager.id}`, admin)).status, 204);
  assert.equal((await api(server, 'GET', '/api/orders', session)).status, 401, 'its tokens name nobody');
  assert.equal((await api(server, 'DELETE', `/api/staff/${manager.id}`, admin)).status, 404, 'already gone');
  assert.equal((await api(server, 'DELETE', `/api/staff/${boss.id}`, ceo)).status, 204);
  assert.ok(!(await api(server, 'GET', '/api/staff', admin)).body.staff.some((s) => s.id === boss.id || s.id === manager.id));
  const again = await api(server, 'POST', '/api/staff', admin, { login: 'vera', password: 'a long enough one', role: 'manager' });
  assert.ok(again.body.id > boss.id, 'a removed id is never handed out again');
});
