// The board's orders: one HTTP snapshot, then events alone (docs/protocol.md §12.3). Events
// that arrive while a snapshot loads wait for it and are applied on top; applying is
// idempotent (statuses only move forward), so an event the snapshot already holds changes
// nothing.

import { Snapshot } from '../shared/snapshot.js';
import { ACTIVE, FINAL, forward } from '../shared/statuses.js';

export { ACTIVE, moves } from '../shared/statuses.js';
export const COLUMNS = [...ACTIVE, 'done'];

export function columnOf(status) {
  return FINAL.includes(status) ? 'done' : status;
}

// Start of the local day of `now`: the done column holds what ended since.
export function startOfDay(now) {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export class Orders extends Snapshot {
  constructor() {
    super();
    this.byId = new Map();
    this.handlers = new Set();
  }

  // f(change, order, oldStatus): change is 'reset', 'add', 'move' or 'unattended'.
  subscribe(f) {
    this.handlers.add(f);
    return () => this.handlers.delete(f);
  }

  emit(change, order, old) {
    for (const f of this.handlers) f(change, order, old);
  }

  // The snapshot is in: it replaces what was held, then the events that came meanwhile apply.
  endLoad(orders) {
    const unattended = new Set([...this.byId.values()].filter((o) => o.unattended).map((o) => o.id));
    this.byId = new Map(orders.map((o) => [o.id, { ...o, unattended: unattended.has(o.id) && o.status === 'pending' }]));
    this.emit('reset');
    this.settle();
  }

  handle(type, data) {
    if (type === 'new-order') return this.added(data);
    if (type === 'order-status-updated') return this.moved(data.orderId, data.newStatus, data.timestamp);
    if (type === 'order-unattended') return this.unattended(data.orderId);
  }

  added(order) {
    if (!order || !Number.isSafeInteger(order.id) || this.byId.has(order.id)) return;
    const o = { ...order, unattended: false };
    this.byId.set(o.id, o);
    this.emit('add', o);
  }

  // Also what a refused or accepted move learns from the server's answer.
  moved(id, status, timestamp) {
    const o = this.byId.get(id);
    if (!o || !forward(o.status, status)) return;
    const old = o.status;
    o.status = status;
    if (timestamp) o.updated_at = timestamp;
    if (status !== 'pending') o.unattended = false;
    this.emit('move', o, old);
  }

  unattended(id) {
    const o = this.byId.get(id);
    if (!o || o.status !== 'pending') return;
    o.unattended = true;
    this.emit('unattended', o);
  }

  // Today's done orders and every active one, for a fresh rendering.
  shown(now) {
    const since = startOfDay(now);
    return [...this.byId.values()].filter((o) => columnOf(o.status) !== 'done' || Date.parse(o.updated_at) >= since);
  }
}
