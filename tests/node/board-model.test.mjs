// The board's model (web/board/orders.js), imported from the repository as it is: a snapshot
// then events, events that arrive during a load applied on top of it, and statuses that only
// move forward, so an event the snapshot already holds changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Orders, moves, columnOf, startOfDay } from '../../web/board/orders.js';

const order = (id, status = 'pending', at = new Date().toISOString()) =>
  ({ id, order_number: String(1000 + id), city_id: 1, status, created_at: at, updated_at: at, items: [] });

function watched() {
  const orders = new Orders();
  const seen = [];
  orders.subscribe((change, o, old) => seen.push(o ? `${change} ${o.id} ${old ?? ''}${old ? '→' : ''}${o.status}` : change));
  return { orders, seen };
}

test('events that arrive while the snapshot loads apply on top of it, once', () => {
  const { orders, seen } = watched();
  orders.beginLoad();
  orders.apply('new-order', order(3));
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'confirmed', oldStatus: 'pending', timestamp: 't' });
  orders.apply('order-status-updated', { orderId: 2, newStatus: 'ready', oldStatus: 'preparing', timestamp: 't' });
  assert.deepEqual(seen, [], 'nothing is drawn before the snapshot');
  // The snapshot was taken after order 3 and order 1's confirmation, before order 2's move.
  orders.endLoad([order(3), order(1, 'confirmed'), order(2, 'preparing')]);
  assert.deepEqual(seen, ['reset', 'move 2 preparing→ready']);
  assert.deepEqual([...orders.byId.values()].map((o) => [o.id, o.status]), [[3, 'pending'], [1, 'confirmed'], [2, 'ready']]);
});

test('statuses only move forward: a late or repeated event changes nothing', () => {
  const { orders, seen } = watched();
  orders.endLoad([order(1, 'ready')]);
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'confirmed' });
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'ready' });
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'cancelled' });
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'completed' });
  orders.apply('new-order', order(1));
  orders.apply('order-status-updated', { orderId: 99, newStatus: 'confirmed' });
  assert.deepEqual(seen, ['reset', 'move 1 ready→cancelled']);
});

test('an unattended mark stands while the order is pending, and survives a reload', () => {
  const { orders } = watched();
  orders.endLoad([order(1), order(2, 'confirmed')]);
  orders.apply('order-unattended', { orderId: 1 });
  orders.apply('order-unattended', { orderId: 2 });
  assert.equal(orders.byId.get(1).unattended, true);
  assert.equal(orders.byId.get(2).unattended, false, 'not pending: no mark');
  orders.beginLoad();
  orders.endLoad([order(1), order(2, 'confirmed')]);
  assert.equal(orders.byId.get(1).unattended, true);
  orders.apply('order-status-updated', { orderId: 1, newStatus: 'confirmed' });
  assert.equal(orders.byId.get(1).unattended, false);
});

test('the moves offered are the API\'s transitions; done holds today\'s completed and cancelled', () => {
  assert.deepEqual(moves('pending'), ['confirmed', 'cancelled']);
  assert.deepEqual(moves('ready'), ['delivering', 'completed', 'cancelled']);
  assert.deepEqual(moves('completed'), []);
  assert.equal(columnOf('cancelled'), 'done');
  assert.equal(columnOf('delivering'), 'delivering');
  const orders = new Orders();
  const yesterday = new Date(startOfDay(Date.now()) - 1000).toISOString();
  orders.endLoad([order(1, 'completed', yesterday), order(2, 'completed'), order(3, 'pending', yesterday)]);
  assert.deepEqual(orders.shown(Date.now()).map((o) => o.id), [2, 3]);
});
