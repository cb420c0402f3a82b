// Ending an account's tokens (docs/protocol.md §2), on every instance: a password change voids
// every token issued before it (401 token-revoked over HTTP, 4001 for new sockets) and
// closes the account's older sockets with 4001; removing an account closes all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Client, sign, api, SECRET, eventually } from './lib/server.mjs';
import { startCluster } from './lib/cluster.mjs';

const run = (args, input = '') => spawnSync(process.env.ORDERCAST_BIN, args, { input, encoding: 'utf8', env: { ...process.env, JWT_SECRET: SECRET } });
const now = () => Math.floor(Date.now() / 1000);

test("a password change and a removal end the account's tokens and close its sockets on every instance", { timeout: 30000 }, async () => {
  const cluster = await startCluster();
  const { a, b } = cluster;
  const db = ['--database-url', a.databaseUrl];
  try {
    const added = run(['user', 'add', '--login', 'irina', '--role', 'admin', ...db], 'first long password\n');
    assert.equal(added.status, 0, added.stderr);
    const id = Number(/^user (\d+)/.exec(added.stdout)[1]);
    // A token issued a minute ago (a leaked one), and sockets with it on both instances.
    const leaked = sign({ userId: id, role: 'admin', iat: now() - 60, exp: now() + 3600 });
    assert.equal((await api(a, 'GET', '/api/orders', leaked)).status, 200);
    const onA = await Client.connect(a.wsUrl(leaked));
    const onB = await Client.connect(b.wsUrl(leaked));
    assert.equal((await onA.next()).type, 'connected');
    assert.equal((await onB.next()).type, 'connected');
    const customer = await Client.connect(b.wsUrl(sign({ userId: 77, role: 'user', exp: now() + 3600 })));
    assert.equal((await customer.next()).type, 'connected');

    assert.equal(run(['user', 'passwd', '--login', 'irina', ...db], 'second long password\n').status, 0);
    const t0 = Date.now();
    assert.equal((await onA.closed).code, 4001);
    assert.equal((await onB.closed).code, 4001);
    assert.ok(Date.now() - t0 < 5000, `closed ${Date.now() - t0} ms after the change`);
    const revoked = await api(b, 'GET', '/api/orders', leaked);
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.error, 'token-revoked');
    assert.equal((await new Client(a.wsUrl(leaked)).closed).code, 4001, 'new sockets with it are refused');
    assert.equal(customer.ws.readyState, 1, 'nobody else is touched');

    const login = await api(a, 'POST', '/api/auth/login', null, { login: 'irina', password: 'second long password' });
    assert.equal(login.status, 200);
    const fresh = await Client.connect(b.wsUrl(login.body.token));
    assert.equal((await fresh.next()).type, 'connected', 'a token issued after the change works');
    assert.equal((await api(a, 'GET', '/api/orders', login.body.token)).status, 200);

    assert.equal(run(['user', 'remove', '--login', 'irina', ...db]).status, 0);
    assert.equal((await fresh.closed).code, 4001, 'a removed account loses every socket');
    assert.equal((await api(a, 'GET', '/api/orders', login.body.token)).body.error, 'unknown-user');
    await eventually(async () => (await api(a, 'GET', '/api/presence', sign({ userId: 1, role: 'admin', exp: now() + 60 }))).body.staffOnline.admin === 0, 5000);
    await customer.close();
  } finally {
    await cluster.stop();
  }
});
