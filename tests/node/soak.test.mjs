// The fault-injection soak (issue 18 §4): two instances on PostgreSQL and Redis under load —
// customers ordering, staff moving statuses, a service publishing, subscribers resuming with
// since/epoch on whichever instance is up — while the harness kills (-9) and stops (SIGTERM)
// instances, freezes and restarts Redis and PostgreSQL and fills the database queue. Then a
// quiet period, and an independent checker compares, per subscriber, every acknowledged
// change with what it received: nothing missing, nothing twice, ids increasing per
// connection and across resumes, no resync (nothing here justifies one: no restore, a replay
// limit above anything a subscriber can miss), nothing from a room it may not see.
//
// SOAK_SECONDS sets the length of the fault phase (default 40: the short form that
// scripts/test.sh runs); bench/soak.sh runs a long one. Both print the same figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, token, api, lines, readiness, eventually } from './lib/server.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';

const faultSeconds = Number(process.env.SOAK_SECONDS ?? 40);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

// What identifies an acknowledged change in the events it causes.
function keyOf(msg) {
  switch (msg.type) {
    case 'soak': return `publish:${msg.data.seq}`;
    case 'new-order': return `new-order:${msg.data.id}`;
    case 'order-created': return `order-created:${msg.data.id}`;
    case 'order-status-updated': return `status:${msg.data.orderId}:${msg.data.newStatus}`;
    default: return null;
  }
}

// A subscriber written as a careful client would be: it keeps its position and epoch, and
// whenever its socket ends it resumes from them on any instance that is up.
class Subscriber {
  constructor(harness, userId, role) {
    Object.assign(this, { harness, userId, role });
    this.last = null;
    this.epoch = null;
    this.received = new Set();
    this.ids = new Set();
    this.violations = [];
    this.resumes = 0;
    this.stopped = false;
  }

  connect() {
    if (this.stopped) return;
    const srv = this.harness.liveInstance();
    if (!srv) return void setTimeout(() => this.connect(), 200);
    const resume = this.last === null ? '' : `&since=${this.last}&epoch=${this.epoch}`;
    const ws = new WebSocket(`${srv.wsUrl(token(this.userId, this.role))}${resume}`);
    this.ws = ws;
    ws.on('message', (raw) => this.onMessage(JSON.parse(raw)));
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      setTimeout(() => this.connect(), 50 + Math.random() * 250);
    });
  }

  // Ends the socket on purpose: the next connect resumes, maybe on the other instance.
  drop() { this.ws?.terminate(); }

  stop() {
    this.stopped = true;
    this.ws?.terminate();
  }

  onMessage(msg) {
    if (msg.type === 'connected') {
      if (this.last === null) {
        this.last = msg.data.lastEventId;
        this.epoch = msg.data.epoch;
        return;
      }
      this.resumes += 1;
      if (msg.data.recovered !== true) this.violations.push(`resume not recovered: ${JSON.stringify(msg.data)}`);
      if (msg.data.epoch !== this.epoch) this.violations.push(`epoch changed: ${this.epoch} -> ${msg.data.epoch}`);
      return;
    }
    if (msg.type === 'resync') {
      this.violations.push(`unjustified resync: ${JSON.stringify(msg.data)}`);
      this.last = msg.data.lastEventId;
      return;
    }
    if (!Number.isSafeInteger(msg.id)) return;
    if (this.ids.has(msg.id)) this.violations.push(`id ${msg.id} twice`);
    else if (msg.id <= this.last) this.violations.push(`id ${msg.id} after ${this.last}`);
    this.ids.add(msg.id);
    this.last = Math.max(this.last, msg.id);
    const key = keyOf(msg);
    if (key) this.received.add(key);
    if (this.role === 'user' && !this.maySee(msg)) this.violations.push(`saw another's event: ${JSON.stringify(msg)}`);
  }

  // A customer sees its own orders and balance, nothing of the admin room.
  maySee(msg) {
    if (msg.type === 'order-created') return msg.data.user_id === this.userId;
    if (msg.type === 'order-status-updated') {
      const owner = this.harness.ownerOf.get(msg.data.orderId);
      return owner === undefined || owner === this.userId;  // undefined: created unacknowledged
    }
    return msg.type === 'bonus-updated';
  }

  // The acknowledged changes this subscriber must have received.
  expected() {
    const h = this.harness;
    const keys = [];
    if (this.role === 'admin') {
      for (const seq of h.acked.publishes) keys.push(`publish:${seq}`);
      for (const id of h.acked.orders) keys.push(`new-order:${id}`);
      for (const [id, status] of h.acked.moves) keys.push(`status:${id}:${status}`);
    } else {
      for (const id of h.acked.orders) if (h.ownerOf.get(id) === this.userId) keys.push(`order-created:${id}`);
      for (const [id, status] of h.acked.moves) if (h.ownerOf.get(id) === this.userId) keys.push(`status:${id}:${status}`);
    }
    return keys;
  }

  missing() { return this.expected().filter((k) => !this.received.has(k)); }
}

const next = { pending: 'confirmed', confirmed: 'preparing', preparing: 'ready', ready: 'completed' };

class Harness {
  constructor(pg, redis) {
    Object.assign(this, { pg, redis });
    this.env = { DATABASE_URL: pg.url, REDIS_URL: redis.url, THREADS: '1', ORDERS_PER_MINUTE: '10000', REPLAY_LIMIT: '100000', PENDING_ALERT_S: '0' };
    this.instances = [null, null];
    this.acked = { publishes: [], orders: [], moves: [] };
    this.ownerOf = new Map();
    this.status = new Map();
    this.faults = {};
    this.requests = { ok: 0, refused: 0 };
    this.seq = 0;
  }

  liveInstance() { return pick(this.instances.filter(Boolean)) ?? null; }

  async startInstance(slot) { this.instances[slot] = await startServer([], this.env); }

  count(kind) { this.faults[kind] = (this.faults[kind] ?? 0) + 1; }

  // One request of the load, on any live instance; acknowledged only on its 2xx.
  async request(method, path, tok, body) {
    const srv = this.liveInstance();
    if (!srv) return null;
    try {
      const res = await api(srv, method, path, tok, body);
      if (res.status >= 200 && res.status < 300) this.requests.ok += 1;
      else this.requests.refused += 1;
      return res;
    } catch {
      this.requests.refused += 1;  // the instance died under it: not acknowledged
      return null;
    }
  }

  async publish() {
    const seq = ++this.seq;
    const srv = this.liveInstance();
    if (!srv) return;
    try {
      const res = await srv.publish(['admin-orders'], 'soak', { seq });
      if (res.status === 202) this.acked.publishes.push(seq), (this.requests.ok += 1);
      else this.requests.refused += 1;
    } catch {
      this.requests.refused += 1;
    }
  }

  async order(customer, city, items) {
    const res = await this.request('POST', '/api/orders', token(customer, 'user'), { city_id: city, items });
    if (res?.status !== 201) return;
    this.ownerOf.set(res.body.id, customer);
    this.status.set(res.body.id, 'pending');
    this.acked.orders.push(res.body.id);
  }

  async move() {
    const open = [...this.status].filter(([, s]) => next[s]);
    if (!open.length) return;
    const [id, from] = pick(open);
    const to = next[from];
    this.status.set(id, `${to}?`);  // one move at a time per order
    const res = await this.request('PATCH', `/api/orders/${id}/status`, token(1, 'admin'), { status: to });
    if (res?.status === 200) {
      this.status.set(id, to);
      this.acked.moves.push([id, to]);
    } else {
      // Not acknowledged — but it may have committed: ask the database which status won.
      const now = await this.request('GET', `/api/orders/${id}`, token(1, 'admin'));
      this.status.set(id, now?.status === 200 ? now.body.status : from);
    }
  }

  // One fault, then recovery from it.
  async fault() {
    const kind = pick(['kill', 'term', 'redis-freeze', 'redis-restart', 'pg-freeze', 'pg-restart', 'queue-full']);
    this.count(kind);
    const slot = Math.floor(Math.random() * 2);
    switch (kind) {
      case 'kill':
      case 'term': {
        const srv = this.instances[slot];
        this.instances[slot] = null;
        await srv.stop(kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
        await sleep(500 + Math.random() * 1500);
        await this.startInstance(slot);
        break;
      }
      case 'redis-freeze':
        this.redis.freeze();
        await sleep(1000 + Math.random() * 3000);
        this.redis.thaw();
        break;
      case 'redis-restart':
        await this.redis.stop();
        await sleep(500 + Math.random() * 1500);
        await this.redis.restart();
        break;
      case 'pg-freeze':
        this.pg.freeze();
        await sleep(1000 + Math.random() * 2000);
        this.pg.thaw();
        break;
      case 'pg-restart':
        await this.pg.halt();
        await sleep(500 + Math.random() * 1000);
        await this.pg.resume();
        break;
      case 'queue-full': {
        const srv = this.instances[slot];
        this.pg.freeze();
        const flood = Array.from({ length: 1100 }, () => api(srv, 'GET', '/api/orders', token(1, 'admin')).catch(() => null));
        await sleep(1500);
        this.pg.thaw();
        await Promise.all(flood);
        break;
      }
    }
  }
}

test(`soak: ${faultSeconds} s of faults under load, then every subscriber has every acknowledged change exactly once, in order`, { timeout: (faultSeconds + 150) * 1000 }, async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  const h = new Harness(pg, redis);
  const subscribers = [];
  try {
    await h.startInstance(0);
    await h.startInstance(1);
    const admin = token(1, 'admin');
    const city = (await api(h.instances[0], 'POST', '/api/cities', admin, { name: 'Soak City' })).body.id;
    const items = await lines(h.instances[0], { name: 'Soak soup', price: 7 });
    const customers = Array.from({ length: 6 }, (_, k) => 5001 + k);
    for (let k = 0; k < 6; k++) subscribers.push(new Subscriber(h, 101 + k, 'admin'));
    for (const c of customers) subscribers.push(new Subscriber(h, c, 'user'));
    for (const s of subscribers) s.connect();
    await eventually(async () => subscribers.every((s) => s.last !== null), 10000);

    const until = Date.now() + faultSeconds * 1000;
    let loadRunning = true;
    const workers = Array.from({ length: 8 }, async () => {
      while (loadRunning) {
        const r = Math.random();
        if (r < 0.5) await h.publish();
        else if (r < 0.75) await h.order(pick(customers), city, items);
        else await h.move();
      }
    });
    const drops = (async () => {
      while (Date.now() < until) {
        await sleep(500);
        pick(subscribers).drop();
      }
    })();
    while (Date.now() < until) {
      await sleep(1000 + Math.random() * 2000);
      await h.fault();
    }
    await drops;
    // Quiet: load stops, everything is up, every socket must catch up by itself.
    loadRunning = false;
    await Promise.all(workers);
    for (let slot = 0; slot < 2; slot++) if (!h.instances[slot]) await h.startInstance(slot);
    await eventually(async () => (await readiness(h.instances[0])).status === 200 && (await readiness(h.instances[1])).status === 200, 30000);
    const quiet = Date.now();
    await eventually(async () => subscribers.every((s) => s.missing().length === 0), 30000).catch(() => {});
    const caughtUpMs = Date.now() - quiet;

    const violations = subscribers.flatMap((s) => [...s.violations, ...s.missing().map((k) => `missing ${k}`)].map((v) => `${s.role} ${s.userId}: ${v}`));
    const figures = {
      faultSeconds,
      faults: h.faults,
      requests: h.requests,
      acknowledged: { publishes: h.acked.publishes.length, orders: h.acked.orders.length, moves: h.acked.moves.length },
      eventsReceived: subscribers.reduce((n, s) => n + s.ids.size, 0),
      resumes: subscribers.reduce((n, s) => n + s.resumes, 0),
      caughtUpMs,
      violations: violations.length,
    };
    console.log(`soak figures: ${JSON.stringify(figures)}`);
    assert.deepEqual(violations.slice(0, 20), [], `${violations.length} violations`);
    assert.ok(h.acked.publishes.length > 100 && h.acked.orders.length > 20, 'the load really ran');
  } finally {
    for (const s of subscribers) s.stop();
    redis.thaw?.();
    pg.thaw();
    for (const srv of h.instances) await srv?.stop('SIGKILL').catch(() => {});
    await redis.stop();
    await pg.stop();
  }
});
