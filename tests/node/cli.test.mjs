// The operator's command line (issue 13): --version, --help everywhere without side effects,
// staff accounts (add, list, passwd, remove — a removed login's tokens stop working), the
// flag winning over a bad environment value, HOST as a name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, api, SECRET } from './lib/server.mjs';

const bin = process.env.ORDERCAST_BIN;
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const run = (args, input = '') => spawnSync(bin, args, { input, encoding: 'utf8', env: { ...process.env, JWT_SECRET: SECRET } });
const db = () => ['--database-url', server.databaseUrl];

test('--version, and --help on every subcommand, which touches nothing', () => {
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^ordercast \d+\.\d+\.\d+\n$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-cli-'));
  try {
    const untouched = ['--database-url', `sqlite://${dir}/never.db`];
    for (const args of [['--help'], ['migrate', '--help'], ['user', '--help'], ['user', 'add', '--help'], ['menu', '--help'], ['city', '--help'], ['token', '--help']]) {
      const res = run([...args, ...untouched]);
      assert.equal(res.status, 0, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stdout, /usage|ordercast/, args.join(' '));
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'no --help created or migrated a database');
    assert.equal(run(['migrate', '--bogus', ...untouched]).status, 2);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('staff accounts: add refuses a dangling --city-id; list, passwd, and remove, which ends the tokens', async () => {
  assert.equal(run(['user', 'add', '--login', 'olga', '--role', 'admin', '--city-id', ...db()], 'a long password\n').status, 2);
  assert.equal(run(['user', 'add', '--login', 'olga', '--role', 'admin', '--city-id'], 'a long password\n').status, 2, 'a dangling flag at the very end');
  const added = run(['user', 'add', '--login', 'Olga', '--role', 'admin', ...db()], 'a long password\n');
  assert.equal(added.status, 0, added.stderr);
  const id = Number(/^user (\d+) \(admin\)/.exec(added.stdout)[1]);
  const list = run(['user', 'list', ...db()]);
  assert.match(list.stdout, new RegExp(`^${id}\\tolga\\tadmin$`, 'm'));
  assert.doesNotMatch(list.stdout, /\$argon2/, 'no password hashes');

  const login = (password) => api(server, 'POST', '/api/auth/login', null, { login: 'olga', password });
  const first = await login('a long password');
  assert.equal(first.status, 200);
  assert.equal(run(['user', 'passwd', '--login', 'OLGA', ...db()], 'another long one\n').status, 0);
  assert.equal((await login('a long password')).status, 401);
  const second = await login('another long one');
  assert.equal(second.status, 200);
  assert.equal((await api(server, 'GET', '/api/orders', second.body.token)).status, 200);

  const removed = run(['user', 'remove', '--login', 'olga', ...db()]);
  assert.equal(removed.status, 0, removed.stderr);
  assert.equal((await login('another long one')).status, 401);
  const stale = await api(server, 'GET', '/api/orders', second.body.token);
  assert.equal(stale.status, 401);
  assert.equal(stale.body.error, 'unknown-user');
  const socket = new Client(server.wsUrl(second.body.token));
  assert.equal((await socket.closed).code, 4001, 'its sockets are refused too');
  assert.doesNotMatch(run(['user', 'list', ...db()]).stdout, /olga/);
  assert.equal(run(['user', 'remove', '--login', 'olga', ...db()]).status, 2, 'already gone');
  // The id is never handed out again: the next account gets a new one.
  const next = run(['user', 'add', '--login', 'pavel', '--role', 'admin', ...db()], 'a long password\n');
  assert.ok(Number(/^user (\d+)/.exec(next.stdout)[1]) > id);
});

test('the flag wins even over an environment value that would not parse; HOST may be a name', async () => {
  const srv = await startServer(['--log-level', 'info'], { PORT: 'not-a-port', LOG_LEVEL: 'loud' });
  assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
  await srv.stop();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-host-'));
  const proc = spawn(bin, ['--port', '0', '--host', 'localhost', '--database-url', `sqlite://${dir}/x.db`], { env: { ...process.env, JWT_SECRET: SECRET }, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await new Promise((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(log)), 10000);
      proc.stderr.on('data', (c) => {
        log += c;
        const m = /listening on localhost:(\d+)/.exec(log);
        if (m) (clearTimeout(timer), resolve(Number(m[1])));
      });
    });
    assert.equal((await fetch(`http://localhost:${port}/healthz`)).status, 200);
  } finally {
    proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
