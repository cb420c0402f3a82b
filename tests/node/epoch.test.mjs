// Epochs (docs/protocol.md §10): a restore must not look like a successful resume. A database
// restored from a backup hands out again ids it had handed out before, and a copy of a
// PostgreSQL database keeps the original's log; `ordercast restore` and `ordercast log
// new-epoch` give the log a new epoch, clients resuming with the old one are told to resync,
// and the Redis channel follows the epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, token, drainToFence, readiness, eventually, SECRET } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';

const bin = process.env.ORDERCAST_BIN;
const run = (args) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, JWT_SECRET: SECRET } });
const admin = token(1, 'admin');
const resumeUrl = (srv, since, epoch) => `${srv.wsUrl(admin)}&since=${since}${epoch === undefined ? '' : `&epoch=${epoch}`}`;

async function publishN(srv, n, type) {
  for (let i = 0; i < n; i++) assert.equal((await srv.publish(['admin-orders'], type, { i })).status, 202);
}

async function greet(url) {
  const c = await Client.connect(url);
  const hello = await c.next();
  assert.equal(hello.type, 'connected');
  return { c, hello: hello.data };
}

test('SQLite: ordercast restore gives a new epoch; the old epoch resyncs, the new one resumes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-epoch-'));
  const db = `sqlite://${dir}/ordercast.db`;
  const backupFile = path.join(dir, 'backup.db');
  try {
    let srv = await startServer([], {}, { dataDir: dir });
    await publishN(srv, 3, 'before-backup');
    assert.equal(run(['backup', backupFile, '--database-url', db]).status, 0);
    await publishN(srv, 4, 'after-backup');
    const { c: seen, hello } = await greet(srv.wsUrl(admin));
    const oldEpoch = hello.epoch;
    assert.equal(hello.lastEventId, 7);
    await seen.close();
    const refused = run(['restore', backupFile, '--database-url', db]);
    assert.equal(refused.status, 1, 'a running server holds its database');
    assert.match(refused.stderr, /a server is using .*; stop it first/);
    await srv.stop();

    const restored = run(['restore', backupFile, '--database-url', db]);
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`epoch ${oldEpoch} -> [0-9a-f]+`));
    srv = await startServer([], {}, { dataDir: dir });
    await publishN(srv, 2, 'after-restore');  // ids 4 and 5 again: other events
    const { c: stale, hello: staleHello } = await greet(resumeUrl(srv, 7, oldEpoch));
    assert.notEqual(staleHello.epoch, oldEpoch);
    assert.equal(staleHello.recovered, false);
    assert.deepEqual(await stale.next(), { type: 'resync', data: { reason: 'unknown-position', lastEventId: 5 } });
    const newEpoch = staleHello.epoch;
    await stale.close();
    // The right epoch resumes as ever: exactly what came after its position.
    const { c: right, hello: rightHello } = await greet(resumeUrl(srv, 3, newEpoch));
    assert.equal(rightHello.recovered, true);
    const replayed = [await right.next(), await right.next()];
    assert.deepEqual(replayed.map((m) => [m.id, m.type]), [[4, 'after-restore'], [5, 'after-restore']]);
    await right.close();
    await srv.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: a copy given a new epoch with ordercast log new-epoch never exchanges events with the original over a shared Redis', async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  let prod;
  let copy;
  try {
    pg.sql('CREATE DATABASE prod');
    prod = await startServer([], { DATABASE_URL: pg.urlOf('prod'), REDIS_URL: redis.url });
    await publishN(prod, 2, 'history');
    await prod.stop();
    pg.sql('CREATE DATABASE restored TEMPLATE prod');  // what pg_dump | pg_restore makes
    const renewed = run(['log', 'new-epoch', '--database-url', pg.urlOf('restored')]);
    assert.equal(renewed.status, 0, renewed.stderr);
    assert.match(renewed.stdout, /epoch [0-9a-f]+ -> [0-9a-f]+/);
    prod = await startServer([], { DATABASE_URL: pg.urlOf('prod'), REDIS_URL: redis.url });
    copy = await startServer([], { DATABASE_URL: pg.urlOf('restored'), REDIS_URL: redis.url });
    await eventually(async () => (await readiness(prod)).status === 200 && (await readiness(copy)).status === 200);
    const { c: watcher, hello } = await greet(prod.wsUrl(admin));
    const { c: other, hello: copyHello } = await greet(copy.wsUrl(admin));
    assert.notEqual(hello.epoch, copyHello.epoch);
    assert.equal(hello.lastEventId, 2);
    assert.equal(copyHello.lastEventId, 2);
    // The copy logs id 3 of its own; production's id 3 is another event, delivered live.
    assert.equal((await copy.publish(['admin-orders'], 'from-the-copy', {})).status, 202);
    assert.equal((await prod.publish(['admin-orders'], 'from-production', {})).status, 202);
    const got = await drainToFence(prod, watcher, 'admin-orders');
    assert.deepEqual(got.map((m) => [m.id, m.type]), [[3, 'from-production']]);
    assert.deepEqual((await drainToFence(copy, other, 'admin-orders')).map((m) => [m.id, m.type]), [[3, 'from-the-copy']]);
    // A client of production that wanders onto the copy is told to resync.
    const { c: lost, hello: lostHello } = await greet(resumeUrl(copy, 3, hello.epoch));
    assert.equal(lostHello.recovered, false);
    assert.equal((await lost.next()).data.reason, 'unknown-position');
    await lost.close();
    await watcher.close();
    await other.close();
  } finally {
    await prod?.stop();
    await copy?.stop();
    await redis.stop();
    await pg.stop();
  }
});
