// @ordercast/client: the official ordercast WebSocket client (docs/protocol.md, "The
// official client"). No dependencies; browsers, Telegram's WebView and Node >= 20 (pass a
// WebSocket implementation such as `ws`). Every event reaches handlers once, in id order,
// across reconnects, restarts and instances: it resumes with since + epoch.

const DEFAULTS = {
  minReconnectDelayMs: 500, maxReconnectDelayMs: 20000, idlePingMs: 25000,
  pongTimeoutMs: 10000, connectTimeoutMs: 10000, random: Math.random,
};
const STABLE_MS = 5000; // connected this long: the backoff starts over

export function connect(url, options = {}) {
  return new Client(url, options);
}

class Client {
  constructor(url, options) {
    this.o = { ...DEFAULTS, ...options };
    this.url = url;
    this.state = 'connecting';
    this.lastEventId = Number.isSafeInteger(options.since) ? options.since : null;
    this.epoch = options.epoch ?? null;
    this.h = new Map(); // type -> Set of handlers
    this.rooms = new Set(); // joined with join(): joined again after every reconnect
    this.waiting = { 'join-room': [], 'leave-room': [] }; // pending join/leave, oldest first
    this.failures = 0;
    this.refusals = 0;
    this.t = {}; // timers by name
    this.wake = () => this.revive();
    const g = globalThis;
    if (g.addEventListener) {
      g.addEventListener('online', this.wake);
      g.addEventListener('focus', this.wake);
    }
    if (g.document?.addEventListener) {
      this.visible = () => g.document.visibilityState === 'visible' && this.revive();
      g.document.addEventListener('visibilitychange', this.visible);
    }
    g.Telegram?.WebApp?.onEvent?.('activated', this.wake);
    this.open();
  }

  on(type, handler) {
    if (!this.h.has(type)) this.h.set(type, new Set());
    this.h.get(type).add(handler);
    return () => this.off(type, handler);
  }

  off(type, handler) {
    this.h.get(type)?.delete(handler);
  }

  join(roomId) {
    return this.ask('join-room', roomId).then((r) => (this.rooms.add(roomId), r));
  }

  leave(roomId) {
    this.rooms.delete(roomId);
    return this.ask('leave-room', roomId);
  }

  close() {
    if (this.state === 'closed') return;
    this.finish(1000, 'closed by the client');
  }

  // ---- inside ----

  emit(type, ...args) {
    for (const f of [...(this.h.get(type) ?? [])]) {
      try {
        f(...args);
      } catch (e) {
        console.error(`ordercast: a '${type}' handler threw`, e);
      }
    }
  }

  setState(state, detail) {
    this.state = state;
    this.emit('state', state, detail);
  }

  timer(name, ms, f) {
    clearTimeout(this.t[name]);
    this.t[name] = ms === null ? undefined : setTimeout(f, ms);
  }

  async open() {
    this.timer('retry', null);
    let token = this.o.token;
    try {
      if (this.o.getToken) token = await this.o.getToken();
    } catch (e) {
      return this.failed(4000, 'getToken failed');
    }
    if (this.state === 'closed') return;
    const WS = this.o.WebSocket ?? globalThis.WebSocket;
    let q = `token=${encodeURIComponent(token ?? '')}`;
    if (this.lastEventId !== null) q += `&since=${this.lastEventId}`;
    if (this.lastEventId !== null && this.epoch) q += `&epoch=${encodeURIComponent(this.epoch)}`;
    const ws = new WS(`${this.url}${this.url.includes('?') ? '&' : '?'}${q}`);
    this.ws = ws;
    this.greeted = false;
    this.timer('connect', this.o.connectTimeoutMs, () => this.drop(ws, 4000, 'connect timeout'));
    ws.onmessage = (e) => ws === this.ws && this.receive(e.data);
    ws.onclose = (e) => ws === this.ws && this.lost(e.code, e.reason);
    ws.onerror = () => {};
  }

  // The socket is given up for dead: no waiting for the close handshake.
  drop(ws, code, reason) {
    if (ws !== this.ws) return;
    try {
      ws.close();
    } catch {}
    this.lost(code, reason);
  }

  receive(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (!m || typeof m.type !== 'string' || ('id' in m && !Number.isSafeInteger(m.id))) return;
    this.alive();
    const d = m.data ?? {};
    switch (m.type) {
      case 'connected': return this.greet(d);
      case 'pong': return;
      case 'resync':
        this.lastEventId = d.lastEventId;
        return this.emit('resync', d);
      case 'room-joined':
      case 'room-left':
        return this.settle(m.type === 'room-joined' ? 'join-room' : 'leave-room', d);
      case 'error':
        if (this.waiting[d.requestType]?.length) {
          const err = Object.assign(new Error(d.message), { code: d.code });
          return this.waiting[d.requestType].shift().reject(err);
        }
        return this.emit('error', d, m);
    }
    if (m.id !== undefined) {
      if (this.lastEventId !== null && m.id <= this.lastEventId) return; // seen already
      this.lastEventId = m.id;
    }
    this.emit(m.type, d, m);
  }

  greet(d) {
    this.greeted = true;
    this.timer('connect', null);
    this.refusals = 0;
    if (this.lastEventId === null || d.recovered === false) this.lastEventId = d.lastEventId;
    this.epoch = d.epoch ?? this.epoch;
    this.timer('stable', STABLE_MS, () => (this.failures = 0));
    for (const room of this.rooms) this.send({ type: 'join-room', data: { roomId: room } });
    this.setState('connected', 'recovered' in d ? { recovered: d.recovered } : {});
    for (const type of ['join-room', 'leave-room']) for (const w of this.waiting[type]) w.send();
  }

  // A message arrived: the connection is alive; ping after idlePingMs of silence.
  alive() {
    this.heard = Date.now();
    this.timer('pong', null);
    this.timer('idle', this.o.idlePingMs, () => this.ping());
  }

  ping() {
    if (this.state !== 'connected') return;
    this.send({ type: 'ping' });
    const ws = this.ws;
    this.timer('pong', this.o.pongTimeoutMs, () => this.drop(ws, 4000, 'no answer to ping'));
  }

  // Online again, the page visible, Telegram's app active: reconnect now, or check that
  // the connection is alive (timers may have slept through the deadline in the background).
  revive() {
    if (this.state === 'disconnected') return this.open();
    if (this.state !== 'connected') return;
    if (Date.now() - this.heard > this.o.idlePingMs + this.o.pongTimeoutMs) {
      return this.drop(this.ws, 4000, 'asleep past the ping deadline');
    }
    this.ping();
  }

  send(msg) {
    if (this.greeted && this.ws?.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  ask(type, roomId) {
    return new Promise((resolve, reject) => {
      const w = { resolve, reject, roomId, send: () => this.send({ type, data: { roomId } }) };
      this.waiting[type].push(w);
      w.send();
    });
  }

  settle(type, d) {
    const list = this.waiting[type];
    const i = list.findIndex((w) => w.roomId === d.roomId);
    if (i >= 0) list.splice(i, 1)[0].resolve(d);
  }

  lost(code, reason) {
    this.ws = null;
    for (const name of ['connect', 'idle', 'pong', 'stable']) this.timer(name, null);
    if (this.state === 'closed') return;
    if ((code === 4001 || code === 4002) && ++this.refusals === 1 && this.o.getToken) {
      this.setState('disconnected', { code, reason });
      return this.open(); // a new token, at once
    }
    // Refused again, or nothing to renew the token with.
    if (code === 4001 || (code === 4002 && !this.o.getToken)) return this.finish(code, 'unauthorized');
    this.failed(code, reason);
  }

  failed(code, reason) {
    if (this.state === 'closed') return;
    this.setState('disconnected', { code, reason });
    const o = this.o;
    const delay = o.random() * Math.min(o.maxReconnectDelayMs, o.minReconnectDelayMs * 2 ** this.failures++);
    this.timer('retry', delay, () => this.open());
  }

  finish(code, reason) {
    const ws = this.ws;
    this.ws = null;
    for (const name of Object.keys(this.t)) this.timer(name, null);
    const g = globalThis;
    g.removeEventListener?.('online', this.wake);
    g.removeEventListener?.('focus', this.wake);
    if (this.visible) g.document.removeEventListener('visibilitychange', this.visible);
    g.Telegram?.WebApp?.offEvent?.('activated', this.wake);
    for (const type of ['join-room', 'leave-room']) {
      for (const w of this.waiting[type].splice(0)) w.reject(Object.assign(new Error('closed'), { code: 'closed' }));
    }
    try {
      ws?.close(1000);
    } catch {}
    this.setState('closed', { code, reason });
  }
}
