// The customer's orders and bonus balance: an HTTP snapshot, then order-created,
// order-status-updated and bonus-updated. Kept in sessionStorage with the client's position
// (lastEventId, epoch), so when Telegram reloads the WebView the app shows what it had and
// resumes from there: the events it missed are replayed, nothing is lost.
import { Snapshot } from '../shared/snapshot.js';
import { forward } from '../shared/statuses.js';

export class Account extends Snapshot {
  constructor(storage, key) {
    super();
    this.storage = storage;
    this.key = key;
    this.orders = new Map(); // id -> order, shown newest first
    this.balance = null;
    this.next = null; // next_before of the history
    this.position = null; // { lastEventId, epoch } of what is held
    this.handlers = new Set();
    try {
      const kept = JSON.parse(storage.getItem(key) ?? 'null');
      if (kept) {
        for (const o of kept.orders) this.orders.set(o.id, o);
        this.balance = kept.balance;
        this.next = kept.next;
        this.position = kept.position;
      }
    } catch {}
  }

  subscribe(f) {
    this.handlers.add(f);
  }

  changed(what) {
    for (const f of this.handlers) f(what);
  }

  save(position) {
    if (position?.lastEventId !== null && position?.lastEventId !== undefined) this.position = position;
    const orders = this.list();
    this.storage.setItem(this.key, JSON.stringify({ orders, balance: this.balance, next: this.next, position: this.position }));
  }

  list() {
    return [...this.orders.values()].sort((a, b) => b.id - a.id);
  }

  endLoad(orders, next, balance) {
    this.orders = new Map(orders.map((o) => [o.id, o]));
    this.next = next;
    this.balance = balance;
    this.changed('all');
    this.settle();
  }

  // An older page of the history.
  more(orders, next) {
    for (const o of orders) if (!this.orders.has(o.id)) this.orders.set(o.id, o);
    this.next = next;
    this.changed('orders');
  }

  handle(type, data) {
    if (type === 'order-created') return this.placed(data);
    if (type === 'order-status-updated') return this.moved(data.orderId, data.newStatus, data.timestamp);
    if (type === 'bonus-updated' && Number.isFinite(data.balance)) {
      this.balance = data.balance;
      this.changed('balance');
    }
  }

  placed(order) {
    if (!order || !Number.isSafeInteger(order.id) || this.orders.has(order.id)) return;
    this.orders.set(order.id, order);
    this.changed('orders');
  }

  moved(id, status, timestamp) {
    const o = this.orders.get(id);
    if (!o || !forward(o.status, status)) return;
    o.status = status;
    if (timestamp) o.updated_at = timestamp;
    this.changed('orders');
  }
}
