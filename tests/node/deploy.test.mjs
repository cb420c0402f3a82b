// deploy/nginx-ordercast.conf (TLS) in front of two instances: wss:// and HTTPS with a
// certificate from a CA made for the test, plain HTTP redirected, /metrics kept inside;
// sockets and requests spread over both instances, no sticky sessions, and every socket
// still gets every event meant for it once.
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
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';

// One request through nginx, trusting the test's CA (and nothing else).
function request(nginx, method, url, { body, headers = {}, plain = false } = {}) {
  const target = new URL(url, plain ? nginx.httpBase : nginx.base);
  const lib = plain ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(target, { method, headers: { 'content-type': 'application/json', ...headers }, ...(plain ? {} : { ca: nginx.ca }) }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('two instances behind nginx with TLS serve wss:// and HTTPS as one', async () => {
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
      const c = await Client.connect(nginx.wsUrl(token(100 + i, 'admin')), { ca: nginx.ca });
      assert.deepEqual(greeting(await c.next()), { type: 'connected', data: { userId: 100 + i, role: 'admin' } });
      sockets.push(c);
    }
    const opened = async (srv) => Number(/ordercast_connections_open (\d+)/.exec(await (await fetch(`${srv.base}/metrics`)).text())[1]);
    assert.equal((await opened(a)) + (await opened(b)), 6);
    assert.ok((await opened(a)) > 0 && (await opened(b)) > 0, 'round robin put sockets on both instances');

    const service = token(900, 'service');
    const publish = (type, data) => request(nginx, 'POST', '/api/events', {
      headers: { authorization: `Bearer ${service}` },
      body: { rooms: ['admin-orders'], type, data },
    });
    const id = crypto.randomUUID();
    assert.equal((await publish('new-order', { id })).status, 202);
    for (const c of sockets) assert.deepEqual(logged(await c.next()), { type: 'new-order', data: { id } });
    // Once each: a second event is the very next message everywhere.
    assert.equal((await publish('new-order', { id: 'second' })).status, 202);
    for (const c of sockets) assert.deepEqual(logged(await c.next()), { type: 'new-order', data: { id: 'second' } });

    const missing = await request(nginx, 'GET', '/nope');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.text).error, 'not-found');
    assert.match(missing.headers['strict-transport-security'], /max-age=\d+/);
    assert.ok(missing.headers['x-request-id'], 'nginx passes its request id through');
    // Plain HTTP only redirects; /metrics stays inside; old TLS is refused.
    const redirect = await request(nginx, 'GET', '/api/cities?x=1', { plain: true });
    assert.equal(redirect.status, 301);
    assert.match(redirect.headers.location, /^https:\/\/127\.0\.0\.1\/api\/cities\?x=1$/);
    assert.equal((await request(nginx, 'GET', '/metrics')).status, 404);
    const port = Number(new URL(nginx.base).port);
    const old = await new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: nginx.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => resolve('connected'));
      s.on('error', () => resolve('refused'));
    });
    assert.equal(old, 'refused', 'TLS 1.0/1.1 are refused');
    const untrusted = await Client.connect(nginx.wsUrl(token(1, 'admin'))).then(() => 'connected', (e) => e.code);
    assert.notEqual(untrusted, 'connected', 'a client that does not trust the CA cannot connect');
    const bad = await Client.connect(nginx.wsUrl('garbage'), { ca: nginx.ca });
    assert.equal((await bad.closed).code, 4001, 'close codes pass through the proxy');
    await Promise.all(sockets.map((c) => c.close()));
    // nginx's access log has a line per socket and request, and not one token.
    const accessLog = nginx.accessLog();
    assert.match(accessLog, /"GET \/ HTTP\/1\.1" 101/, 'the sockets were logged');
    assert.match(accessLog, /"GET \/api\/cities HTTP\/1\.1" 301/);
    for (let i = 0; i < 6; i++) assert.ok(!accessLog.includes(token(100 + i, 'admin').split('.')[2]), 'no token in the access log');
    assert.ok(!accessLog.includes('token=') && !accessLog.includes('eyJ'), 'no query string in the access log');
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
