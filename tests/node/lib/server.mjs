// Starts the real ordercast binary on a free port and gives tests an independent client
// toolkit: tokens signed with Node's crypto, sockets from the `ws` package.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export const SECRET = 'node-suite-secret-0123456789abcdef-0123';

const b64url = (value) => Buffer.from(value).toString('base64url');

export function sign(claims, { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' }, hash = 'sha256' } = {}) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const mac = crypto.createHmac(hash, secret).update(input).digest('base64url');
  return `${input}.${mac}`;
}

export function token(userId, role, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return sign({ userId, role, iat: now, exp: now + 3600, ...extra });
}

// `command` runs the binary through a wrapper (e.g. `sh -c 'ulimit ...; exec "$0" "$@"' BIN`);
// the server's own arguments follow it.
export async function startServer(args = [], env = {}, { dataDir, command } = {}) {
  const bin = process.env.ORDERCAST_BIN;
  if (!bin) throw new Error('ORDERCAST_BIN is not set');
  // Each server gets its own database unless a test shares one across restarts.
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ordercast-node-'));
  const [program, ...before] = command ?? [bin];
  const proc = spawn(program, [...before, '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, JWT_SECRET: SECRET, LOG_LEVEL: 'info', DATABASE_URL: `sqlite://${dir}/ordercast.db`, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.on('exit', () => { if (!dataDir) fs.rmSync(dir, { recursive: true, force: true }); });
  let log = '';
  const raw = [];  // the bytes as written: `log` has invalid UTF-8 replaced by Node
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 10000);
    proc.stderr.on('data', (chunk) => {
      raw.push(chunk);
      log += chunk;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`server exited: ${log}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    port,
    base,
    pid: proc.pid,
    dataDir: dir,
    databaseUrl: env.DATABASE_URL ?? `sqlite://${dir}/ordercast.db`,
    wsUrl: (tok) => `ws://127.0.0.1:${port}/?token=${tok}`,
    log: () => log,
    rawLog: () => Buffer.concat(raw),
    exited,
    async stop(signal = 'SIGTERM') {
      const running = proc.exitCode === null && proc.signalCode === null;
      if (running) proc.kill(signal);
      const result = await exited;
      // A server that died by itself (a crash, an abort) says so, with its last words.
      if (!running && !stopped && (result.signal || result.code)) {
        stopped = true;
        throw new Error(`the server exited by itself (${result.signal ?? `code ${result.code}`}):\n${log.slice(-3000)}`);
      }
      stopped = true;
      // Whatever a test gave this server as a secret never reaches its log.
      for (const secret of secretsOf({ JWT_SECRET: SECRET, ...env })) {
        if (log.includes(secret)) throw new Error(`the server logged a secret (${secret.slice(0, 4)}…)`);
      }
      return result;
    },
    publish(rooms, type, data, tok = token(900, 'service')) {
      return fetch(`${base}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rooms, type, data }),
      });
    },
  };
}

// The secrets in a server's environment: the JWT secret, API keys and bot tokens, and the
// passwords inside URLs.
function secretsOf(env) {
  const out = [];
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string' || !value) continue;
    if (['JWT_SECRET', 'GULYASH_API_KEY', 'TELEGRAM_BOT_TOKEN'].includes(key)) out.push(value);
    const password = /^[a-z]+:\/\/[^:/@]*:([^@]+)@/.exec(value)?.[1];
    if (password) out.push(decodeURIComponent(password));
  }
  return out;
}

// A ws socket whose messages can be awaited one by one, in order.
export class Client {
  constructor(url, options = {}) {
    this.ws = new WebSocket(url, options);
    this.queue = [];
    this.waiters = [];
    this.ws.on('message', (data, isBinary) => {
      const msg = isBinary ? { binary: data } : JSON.parse(data.toString());
      const w = this.waiters.shift();
      if (w) w.resolve(msg);
      else this.queue.push(msg);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        for (const w of this.waiters.splice(0)) w.reject(new Error(`closed ${code} while waiting`));
        resolve({ code, reason: reason.toString() });
      });
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.on('open', resolve);
      this.ws.on('error', reject);
      this.ws.on('unexpected-response', (req, res) => reject(Object.assign(new Error('unexpected response'), { status: res.statusCode })));
    });
  }

  static async connect(url, options) {
    const c = new Client(url, options);
    await c.opened;
    return c;
  }

  next(timeoutMs = 5000) {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message in time')), timeoutMs);
      this.waiters.push({
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  async request(obj) {
    this.send(obj);
    return this.next();
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

// Order lines for POST /api/orders (docs/protocol.md §7): a menu item for each wanted
// `{name, price, quantity, cityIds?}`, created through the API (by an admin) the first time
// a database is asked for it; returns `[{menuItemId, quantity}]`.
const menus = new Map();
export async function lines(srv, ...wanted) {
  const menu = menus.get(srv.databaseUrl) ?? new Map();
  menus.set(srv.databaseUrl, menu);
  const out = [];
  for (const { name, price, quantity = 1, cityIds = [] } of wanted) {
    const key = JSON.stringify([name, price, cityIds]);
    if (!menu.has(key)) {
      const taken = [...menu.values()].some((m) => m.name === name);
      const unique = taken ? `${name} (${price}${cityIds.length ? ` in ${cityIds}` : ''})` : name;
      const res = await api(srv, 'POST', '/api/menu', token(1, 'admin'), { name: unique, price, cityIds });
      if (res.status !== 201) throw new Error(`menu item ${unique}: ${res.status} ${JSON.stringify(res.body)}`);
      menu.set(key, { id: res.body.id, name: unique });
    }
    out.push({ menuItemId: menu.get(key).id, quantity });
  }
  return out;
}

// An event addressed to rooms (docs/protocol.md §3.1): checks it carries its log position, a
// positive integer, and returns it without it, for comparing with what was published.
export function logged(msg) {
  if (!Number.isSafeInteger(msg.id) || msg.id < 1) throw new Error(`event without a log id: ${JSON.stringify(msg)}`);
  const { id, ...rest } = msg;
  return rest;
}

// The `connected` greeting for userId and role: checks its lastEventId (a position, >= 0)
// and its epoch (the log's name, a short hex string) and returns it without them.
export function greeting(msg) {
  const last = msg.data?.lastEventId;
  if (msg.type !== 'connected' || !Number.isSafeInteger(last) || last < 0) throw new Error(`not a connected greeting: ${JSON.stringify(msg)}`);
  if (!/^[0-9a-f]{8,32}$/.test(msg.data.epoch)) throw new Error(`connected without an epoch: ${JSON.stringify(msg)}`);
  const { lastEventId, epoch, ...data } = msg.data;
  return { ...msg, data };
}

// Connects and consumes the `connected` greeting.
export async function connectAs(server, userId, role, extra) {
  const c = await Client.connect(server.wsUrl(token(userId, role, extra)));
  const hello = await c.next();
  if (hello.type !== 'connected') throw new Error(`expected connected, got ${JSON.stringify(hello)}`);
  return c;
}

// One HTTP call to a server's API: `{status, body}` with the body parsed.
export async function api(srv, method, url, tok, body, headers = {}) {
  const res = await fetch(`${srv.base}${url}`, {
    method,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// Mini App initData for `user`, signed as Telegram signs it for the bot `botToken`.
export function telegramInitData(botToken, user, authDate = Math.floor(Date.now() / 1000)) {
  const fields = new URLSearchParams({ query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user: typeof user === 'string' ? user : JSON.stringify(user), auth_date: String(authDate) });
  const check = [...fields.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('\n');
  const secret = crypto.createHmac('sha256', 'WebAppData').update(botToken).digest();
  fields.set('hash', crypto.createHmac('sha256', secret).update(check).digest('hex'));
  return fields.toString();
}

// Runs `ordercast user add` against a server's database; resolves to the new id.
export function addStaff(srv, login, role, password = 'a long password', cities = []) {
  return new Promise((resolve, reject) => {
    const args = ['user', 'add', '--login', login, '--role', role, ...cities.flatMap((c) => ['--city-id', String(c)]), '--database-url', srv.databaseUrl];
    const p = spawn(process.env.ORDERCAST_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => (code === 0 ? resolve(Number(/^user (\d+) \(/m.exec(out)[1])) : reject(new Error(out))));
    p.stdin.end(`${password}\n`);
  });
}

// Everything but fences a socket receives up to a fence event published on `via` to `room`:
// proof that nothing published before it is still in flight.
export async function drainToFence(via, client, room) {
  const id = crypto.randomUUID();
  await via.publish([room], 'fence', { id });
  const seen = [];
  for (;;) {
    const msg = await client.next(10000);
    if (msg.type === 'fence' && msg.data.id === id) return seen;
    if (msg.type !== 'fence') seen.push(msg);
  }
}

export async function readiness(srv) {
  const res = await fetch(`${srv.base}/readyz`);
  return { status: res.status, body: await res.json() };
}

// Polls a state that changes asynchronously (a connection dropping or coming back),
// bounded in time; resolves to the milliseconds it took.
export async function eventually(check, timeoutMs = 15000) {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
