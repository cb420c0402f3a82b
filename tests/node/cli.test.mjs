// The operator's command line (issue 13): --version, --help everywhere without side effects,
// staff accounts (add, list, passwd, remove — a removed login's tokens stop working), the
// flag winning over a bad environment value, HOST as a name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, api, token, lines, eventually, SECRET } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';

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
    for (const args of [['--help'], ['migrate', '--help'], ['backup', '--help'], ['restore', '--help'], ['log', '--help'], ['log', 'new-epoch', '--help'], ['user', '--help'], ['user', 'add', '--help'], ['menu', '--help'], ['city', '--help'], ['token', '--help'], ['telegram', '--help']]) {
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

test('ordercast telegram init-data signs initData the server accepts, or a Mini App link carrying it; no bot token, no initData', async () => {
  const bot = '4242:a-bot-token-for-the-cli-test';
  const srv = await startServer([], { TELEGRAM_BOT_TOKEN: bot });
  try {
    const made = run(['telegram', 'init-data', '--telegram-id', '77', '--first-name', 'Olga', '--bot-token', bot]);
    assert.equal(made.status, 0, made.stderr);
    const login = await api(srv, 'POST', '/api/auth/telegram', null, { initData: made.stdout.trim() });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user.telegram_id, 77);
    assert.equal(login.body.user.first_name, 'Olga');
    const link = run(['telegram', 'init-data', '--telegram-id', '77', '--bot-token', bot, '--url', `${srv.base}/app`]);
    const url = new URL(link.stdout.trim());
    assert.equal(`${url.origin}${url.pathname}`, `${srv.base}/app`);
    const carried = new URLSearchParams(url.hash.slice(1)).get('tgWebAppData');
    assert.equal((await api(srv, 'POST', '/api/auth/telegram', null, { initData: carried })).status, 200);
    const forged = run(['telegram', 'init-data', '--telegram-id', '77', '--bot-token', 'another:bot']);
    assert.equal((await api(srv, 'POST', '/api/auth/telegram', null, { initData: forged.stdout.trim() })).status, 401);
    const none = spawnSync(bin, ['telegram', 'init-data', '--telegram-id', '77'], { encoding: 'utf8', env: { ...process.env, TELEGRAM_BOT_TOKEN: '' } });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no bot token/);
    assert.equal(run(['telegram', 'init-data', '--telegram-id', '0', '--bot-token', bot]).status, 2);
  } finally {
    await srv.stop();
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
  for (const [method, url, body] of [['GET', '/api/cities'], ['POST', '/api/events', { rooms: ['admin-orders'], type: 'x', data: {} }], ['GET', '/api/sync/failed']]) {
    const res = await api(server, method, url, second.body.token, body);
    assert.equal(res.status, 401, `${method} ${url}: every route, not only those that read the database`);
    assert.equal(res.body.error, 'unknown-user');
  }
  const socket = new Client(server.wsUrl(second.body.token));
  assert.equal((await socket.closed).code, 4001, 'its sockets are refused too');
  assert.doesNotMatch(run(['user', 'list', ...db()]).stdout, /olga/);
  assert.equal(run(['user', 'remove', '--login', 'olga', ...db()]).status, 2, 'already gone');
  // The id is never handed out again: the next account gets a new one.
  const next = run(['user', 'add', '--login', 'pavel', '--role', 'admin', ...db()], 'a long password\n');
  assert.ok(Number(/^user (\d+)/.exec(next.stdout)[1]) > id);
});

// Only the server and `migrate` create a database: an operator's command run from the wrong
// folder says which path it looked at instead of creating a stray empty database there.
test('user, menu, city and log commands refuse a database that does not exist, naming its path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-cli-'));
  try {
    const missing = ['--database-url', `sqlite://${dir}/data/ordercast.db`];
    const menuFile = path.join(dir, 'menu.json');
    fs.writeFileSync(menuFile, JSON.stringify([{ name: 'Tea', price: 1 }]));
    for (const args of [['user', 'add', '--login', 'a.b', '--role', 'admin'], ['user', 'list'], ['menu', 'import', menuFile], ['city', 'add', 'Tver'], ['log', 'new-epoch']]) {
      const res = run([...args, ...missing], 'a long password\n');
      assert.equal(res.status, 1, `${args.join(' ')}: ${res.stdout}`);
      assert.match(res.stderr, new RegExp(`no database at ${dir}/data/ordercast\\.db`), args.join(' '));
    }
    assert.deepEqual(fs.readdirSync(dir), ['menu.json'], 'nothing created');
    assert.equal(run(['migrate', ...missing]).status, 0, 'migrate creates it');
    assert.equal(run(['city', 'add', 'Tver', ...missing]).status, 0, 'then the commands work');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// A backup holds password hashes and addresses: created 0600, new, never through a symlink.
test('ordercast backup writes a new file readable by its owner only and never follows a symlink', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-cli-'));
  try {
    const copy = path.join(dir, 'copy.db');
    assert.equal(run(['backup', copy, ...db()]).status, 0);
    assert.equal(fs.statSync(copy).mode & 0o777, 0o600);
    const planted = path.join(dir, 'planted.db');
    const target = path.join(dir, 'elsewhere.db');
    fs.symlinkSync(target, planted);
    const res = run(['backup', planted, ...db()]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /exists; give a new file/);
    assert.ok(!fs.existsSync(target), 'the dangling symlink was not followed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// PostgreSQL's NOTICEs ("relation ... already exists" at every start) go through the logger,
// not to stderr: JSON logs stay one object per line, command output stays clean.
test('on PostgreSQL, no NOTICE reaches stderr: JSON logs are one object per line', async () => {
  const pg = await startPostgres();
  try {
    const url = ['--database-url', pg.url];
    for (const args of [['migrate'], ['migrate'], ['user', 'list'], ['city', 'add', 'Perm']]) {
      const res = run([...args, ...url]);
      assert.equal(res.status, 0, res.stderr);
      assert.doesNotMatch(res.stderr, /NOTICE/, args.join(' '));
    }
    const srv = await startServer([], { DATABASE_URL: pg.url, LOG_FORMAT: 'json' });
    await api(srv, 'GET', '/api/cities', token(1, 'admin'));
    await srv.stop();
    const lines = srv.log().split('\n').filter(Boolean);
    assert.ok(lines.length > 3);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.doesNotMatch(srv.log(), /NOTICE/);
  } finally {
    await pg.stop();
  }
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

test('ordercast backup copies a SQLite database consistently while orders are being written', async () => {
  const admin = token(1, 'admin');
  const city = (await api(server, 'POST', '/api/cities', admin, { name: 'Backup city' })).body.id;
  const soup = await lines(server, { name: 'Backup soup', price: 100 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-backup-'));
  try {
    let writing = true;
    let placed = 0;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) {
        const res = await api(server, 'POST', '/api/orders', token(500 + (i % 50), 'user'), { city_id: city, items: soup });
        assert.equal(res.status, 201);
        placed++;
      }
    })();
    await eventually(async () => placed >= 20, 10000);
    const before = placed;
    const copy = path.join(dir, 'copy.db');
    const done = spawn(bin, ['backup', copy, ...db()], { stdio: ['ignore', 'pipe', 'pipe'] });
    const code = await new Promise((resolve) => done.on('exit', resolve));
    assert.ok(writing && placed < 2000, 'the writer was still writing when the backup ended');
    writing = false;
    await writer;
    // An order whose request was under way may have committed by then: the copy holds at
    // most what was placed when the writer stopped.
    const after = placed;
    assert.equal(code, 0);
    assert.equal(run(['backup', copy, ...db()]).status, 1, 'never overwrites a file');

    // The copy is a working database of its own: a server opens it and finds every order
    // placed before the backup started, each whole.
    const restored = await startServer([], { DATABASE_URL: `sqlite://${copy}` });
    try {
      const orders = (await api(restored, 'GET', '/api/orders?limit=100', admin)).body.orders;
      const all = [];
      let page = orders;
      let next = null;
      all.push(...page);
      next = page.length ? page.at(-1).id : null;
      while (next) {
        page = (await api(restored, 'GET', `/api/orders?limit=100&before=${next}`, admin)).body.orders;
        all.push(...page);
        next = page.length ? page.at(-1).id : null;
      }
      const ours = all.filter((o) => o.city_id === city);
      assert.ok(ours.length >= before && ours.length <= after, `${ours.length} orders, between ${before} and ${after}`);
      assert.ok(ours.every((o) => o.items.length === 1 && o.total === 100));
    } finally {
      await restored.stop();
    }
    const check = spawnSync('sqlite3', [copy, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
    if (check.error) throw new Error('sqlite3 is not installed (scripts/bootstrap.sh installs it)');
    assert.equal(check.stdout.trim(), 'ok');
    assert.match(run(['backup', path.join(dir, 'x.db'), '--database-url', 'postgresql://nobody@127.0.0.1/x']).stderr, /pg_dump/);
    // A rollback to an older binary is refused, not run on a schema it does not know.
    spawnSync('sqlite3', [copy, 'PRAGMA user_version = 99;']);
    const older = run(['migrate', '--database-url', `sqlite://${copy}`]);
    assert.equal(older.status, 1);
    assert.match(older.stderr, /newer than this ordercast knows.*restore a backup/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('logs: one access line per request with fields, the client address among them (JSON lines in LOG_FORMAT=json), X-Request-Id echoed, refusals at info, no secrets', async () => {
  const srv = await startServer([], { LOG_FORMAT: 'json' });
  try {
    const admin = token(7, 'admin');
    const given = await fetch(`${srv.base}/api/orders?token=${admin}`, { headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'checkout-42' } });
    assert.equal(given.status, 200);
    assert.equal(given.headers.get('x-request-id'), 'checkout-42');
    const made = await fetch(`${srv.base}/nowhere`);
    assert.match(made.headers.get('x-request-id'), /^[0-9a-f]{1,16}$/);
    const odd = await fetch(`${srv.base}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(odd.headers.get('x-request-id'), 'bad id with spaces', 'an unusable id is replaced');
    assert.equal((await api(srv, 'POST', '/api/auth/login', null, { login: 'nobody', password: 'secret-password-1' })).status, 401);
    const refused = new Client(srv.wsUrl('not-a-token'));
    assert.equal((await refused.closed).code, 4001);
    let lines;
    await eventually(async () => {
      lines = srv.log().trim().split('\n').map((l) => JSON.parse(l));
      return lines.some((l) => /login refused/.test(l.msg ?? '')) && lines.filter((l) => l.event === 'http').length >= 4;
    }, 5000);
    const access = lines.filter((l) => l.event === 'http');
    const first = access.find((l) => l.request_id === 'checkout-42');
    assert.deepEqual({ ...first, time: undefined, duration_ms: undefined, bytes: undefined },
      { time: undefined, level: 'info', event: 'http', method: 'GET', path: '/api/orders', status: 200, duration_ms: undefined, bytes: undefined, user_id: 7, address: '127.0.0.1', request_id: 'checkout-42' });
    assert.ok(Number.isInteger(first.duration_ms) && first.bytes > 0);
    assert.ok(access.some((l) => l.path === '/nowhere' && l.status === 404 && l.user_id === undefined));
    assert.ok(lines.some((l) => l.level === 'info' && /websocket refused: .*close 4001/.test(l.msg ?? '')));
    assert.ok(lines.some((l) => l.level === 'info' && /login refused: login="nobody"/.test(l.msg ?? '')));
    assert.doesNotMatch(srv.log(), new RegExp(admin.split('.')[2]), 'no token in the log');
    assert.doesNotMatch(srv.log(), /secret-password-1/, 'no password in the log');
  } finally {
    await srv.stop();
  }
  const text = await startServer([]);
  try {
    await fetch(`${text.base}/healthz`, { headers: { 'x-request-id': 'r1' } });
    await eventually(async () => /info event=http method=GET path=\/healthz status=200 duration_ms=\d+ bytes=\d+ address=127\.0\.0\.1 request_id=r1/.test(text.log()), 5000);
  } finally {
    await text.stop();
  }
});

// What a client sends cannot forge log lines or fields, reach an operator's terminal as an
// escape sequence, or make a JSON log line invalid.
test('log injection: a login with escapes, NUL and a forged address= stays one quoted value; raw path bytes keep JSON logs valid', async () => {
  const hostile = 'evil\u001b[31m\u0000\nforged address=6.6.6.6';
  const text = await startServer([]);
  try {
    assert.equal((await api(text, 'POST', '/api/auth/login', null, { login: hostile, password: 'whatever-password' })).status, 401);
    await eventually(async () => /login refused/.test(text.log()), 5000);
    const log = text.log();
    assert.doesNotMatch(log, /[\u0000\u001b]/, 'no raw control characters');
    assert.ok(!log.split('\n').some((l) => l.startsWith('forged')), 'no line starts with the forged text');
    const line = log.split('\n').find((l) => l.includes('login refused'));
    // (Logins are compared with white space folded: the newline is a space by now.)
    assert.match(line, /login refused: login="evil\\u001B\[31m\\u0000 forged address=6\.6\.6\.6" address=127\.0\.0\.1$/i);
  } finally {
    await text.stop();
  }
  const json = await startServer([], { LOG_FORMAT: 'json' });
  try {
    // Bytes that are not UTF-8 in the path, straight on a socket.
    await new Promise((resolve) => {
      const s = net.connect(json.port, '127.0.0.1', () => s.end(Buffer.concat([Buffer.from('GET /caf'), Buffer.from([0xe9, 0xff, 0xc0, 0x80]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])));
      s.on('data', () => {});
      s.on('close', resolve);
      s.on('error', resolve);
    });
    assert.equal((await api(json, 'POST', '/api/auth/login', null, { login: hostile, password: 'whatever-password' })).status, 401);
    await eventually(async () => /login refused/.test(json.log()) && /caf/.test(json.log()), 5000);
    const raw = json.rawLog();
    assert.ok(raw.equals(Buffer.from(raw.toString('utf8'), 'utf8')), 'the log is valid UTF-8');
    for (const l of json.log().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(l), l);
    const access = json.log().trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.event === 'http' && l.path?.startsWith('/caf'));
    assert.equal(access.path, '/caf\ufffd\ufffd\ufffd\ufffd');
  } finally {
    await json.stop();
  }
});
