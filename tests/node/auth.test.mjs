// docs/protocol.md §2 with Node's ws: tokens, close codes, origins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sign, token, SECRET, greeting } from './lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const now = () => Math.floor(Date.now() / 1000);

test('a valid token in the query gets connected with userId and role first', async () => {
  const c = await Client.connect(server.wsUrl(token(123, 'admin')));
  assert.deepEqual(greeting(await c.next()), { type: 'connected', data: { userId: 123, role: 'admin' } });
  await c.close();
});

test('the Authorization header works too, and a numeric sub stands for userId', async () => {
  const tok = sign({ sub: '77', role: 'user', exp: now() + 60 });
  const c = await Client.connect(`ws://127.0.0.1:${server.port}/any/path`, { headers: { authorization: `Bearer ${tok}` } });
  assert.deepEqual(greeting(await c.next()), { type: 'connected', data: { userId: 77, role: 'user' } });
  await c.close();
});

// A broken %-escape spoils only its own query field: the query's (invalid) token still wins
// over a valid Authorization header, and a broken `since` is a resume told to resync, not a
// silently fresh connection.
test('a query with a broken escape: its token still wins (4001), its since still resumes (resync)', async () => {
  const valid = token(5, 'admin');
  const header = await Client.connect(`ws://127.0.0.1:${server.port}/?token=%zz${valid}`, { headers: { authorization: `Bearer ${valid}` } });
  assert.equal((await header.closed).code, 4001);
  const resumed = await Client.connect(`ws://127.0.0.1:${server.port}/?token=${valid}&since=1%2`);
  const hello = await resumed.next();
  assert.equal(hello.data.recovered, false);
  assert.equal((await resumed.next()).data.reason, 'unknown-position');
  await resumed.close();
});

const refused = {
  'no token': '',
  'garbage': 'not.a.jwt',
  'wrong secret': sign({ userId: 1, role: 'admin', exp: now() + 60 }, { secret: 'x'.repeat(40) }),
  'alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ userId: 1, role: 'admin', exp: now() + 60 })).toString('base64url')}.`,
  'HS512': sign({ userId: 1, role: 'admin', exp: now() + 60 }, { header: { alg: 'HS512' }, hash: 'sha512' }),
  'no exp': sign({ userId: 1, role: 'admin' }),
  'unknown role': sign({ userId: 1, role: 'root', exp: now() + 60 }),
  'nbf in the future': sign({ userId: 1, role: 'admin', exp: now() + 600, nbf: now() + 300 }),
};
for (const [name, tok] of Object.entries(refused)) {
  test(`${name}: upgrade completes, nothing is sent, close 4001`, async () => {
    const c = await Client.connect(server.wsUrl(tok));
    const { code, reason } = await c.closed;
    assert.equal(code, 4001);
    assert.equal(reason, 'unauthorized');
    assert.equal(c.queue.length, 0, 'no message may precede the close');
  });
}

test('an expired token closes with 4002', async () => {
  const c = await Client.connect(server.wsUrl(sign({ userId: 1, role: 'user', exp: now() - 60 })));
  const { code, reason } = await c.closed;
  assert.equal(code, 4002);
  assert.equal(reason, 'token expired');
  assert.equal(c.queue.length, 0);
});

test('a token that expires while connected closes with 4002 within a couple of seconds of exp', async () => {
  const exp = now() + 2;
  const c = await Client.connect(server.wsUrl(sign({ userId: 5, role: 'user', exp })));
  assert.equal((await c.next()).type, 'connected');
  const { code } = await c.closed;
  assert.equal(code, 4002);
  const late = Date.now() / 1000 - exp;
  assert.ok(late >= -1 && late < 2.5, `closed ${late.toFixed(2)} s after exp`);
});

test('ALLOWED_ORIGINS refuses other origins with HTTP 403 before the upgrade', async () => {
  const strict = await startServer(['--allowed-origins', 'https://admin.example']);
  try {
    await assert.rejects(Client.connect(strict.wsUrl(token(1, 'admin')), { origin: 'https://evil.example' }),
      (err) => err.status === 403);
    const ok = await Client.connect(strict.wsUrl(token(1, 'admin')), { origin: 'https://admin.example' });
    assert.equal((await ok.next()).type, 'connected');
    await ok.close();
  } finally {
    await strict.stop();
  }
});

test('the server refuses to start with a short secret, exit code 2', async () => {
  await assert.rejects(startServer([], { JWT_SECRET: 'short' }), /at least 32 bytes/);
  assert.ok(SECRET.length >= 32);
});
