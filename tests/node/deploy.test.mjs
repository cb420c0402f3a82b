// deploy/nginx.conf in front of two instances: sockets and requests spread over both, no
// sticky sessions, and every socket still gets every event meant for it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, token, greeting, logged } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startNginx } from './lib/nginx.mjs';

test('two instances behind nginx serve sockets and HTTP as one', async () => {
  // Instances behind one name share one database (one event log) and one Redis.
  const pg = await startPostgres();
  const redis = await startRedis();
  const a = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  const b = await startServer([], { REDIS_URL: redis.url, DATABASE_URL: pg.url });
  const nginx = await startNginx([a.port, b.port]);
  try {
    for (const srv of [a, b]) {
      for (let i = 0; i < 100 && (await fetch(`${srv.base}/readyz`)).status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const sockets = [];
    for (let i = 0; i < 6; i++) {
      const c = await Client.connect(nginx.wsUrl(token(100 + i, 'admin')));
      assert.deepEqual(greeting(await c.next()), { type: 'connected', data: { userId: 100 + i, role: 'admin' } });
      sockets.push(c);
    }
    const opened = async (srv) => Number(/ordercast_connections_open (\d+)/.exec(await (await fetch(`${srv.base}/metrics`)).text())[1]);
    assert.equal((await opened(a)) + (await opened(b)), 6);
    assert.ok((await opened(a)) > 0 && (await opened(b)) > 0, 'round robin put sockets on both instances');

    const service = token(900, 'service');
    const publish = (type, data) => fetch(`${nginx.base}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rooms: ['admin-orders'], type, data }),
    });
    const id = crypto.randomUUID();
    assert.equal((await publish('new-order', { id })).status, 202);
    for (const c of sockets) assert.deepEqual(logged(await c.next()), { type: 'new-order', data: { id } });
    // Once each: a second event is the very next message everywhere.
    assert.equal((await publish('new-order', { id: 'second' })).status, 202);
    for (const c of sockets) assert.deepEqual(logged(await c.next()), { type: 'new-order', data: { id: 'second' } });

    const missing = await fetch(`${nginx.base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error, 'not-found');
    const bad = await Client.connect(nginx.wsUrl('garbage'));
    assert.equal((await bad.closed).code, 4001, 'close codes pass through the proxy');
    await Promise.all(sockets.map((c) => c.close()));
  } finally {
    await nginx.stop();
    await a.stop();
    await b.stop();
    await redis.stop();
    await pg.stop();
  }
});

test('cmake --install puts the binary and a systemd unit that systemd-analyze verify accepts', () => {
  const build = path.dirname(process.env.ORDERCAST_BIN);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-install-'));
  try {
    if (spawnSync('systemd-analyze', ['--version']).error) throw new Error('systemd-analyze is not installed');
    const install = spawnSync('cmake', ['--install', build, '--prefix', prefix], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    const bin = path.join(prefix, 'bin', 'ordercast');
    assert.match(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout, /^ordercast \d/);
    const unit = fs.readFileSync(path.join(prefix, 'lib/systemd/system/ordercast@.service'), 'utf8');
    assert.match(unit, new RegExp(`^ExecStart=${bin}$`, 'm'));
    assert.match(unit, /^StateDirectory=ordercast$/m);
    assert.match(unit, /^EnvironmentFile=\/etc\/ordercast\/ordercast\.env$/m);
    assert.ok(fs.existsSync(path.join(prefix, 'share/doc/ordercast/ordercast.env.example')));
    // verify checks an instance of the template: the unit as installed, named for port 3001.
    const instance = path.join(prefix, 'ordercast@3001.service');
    fs.writeFileSync(instance, unit);
    const verify = spawnSync('systemd-analyze', ['verify', instance], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
