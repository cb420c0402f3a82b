// Order statuses as the API moves them (docs/protocol.md §7): pending → confirmed → preparing →
// ready → delivering → completed, ready → completed, and any status not final → cancelled.

export const ACTIVE = ['pending', 'confirmed', 'preparing', 'ready', 'delivering'];
export const FINAL = ['completed', 'cancelled'];
const RANK = { pending: 0, confirmed: 1, preparing: 2, ready: 3, delivering: 4, completed: 5, cancelled: 5 };
const NEXT = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['preparing', 'cancelled'],
  preparing: ['ready', 'cancelled'],
  ready: ['delivering', 'completed', 'cancelled'],
  delivering: ['completed', 'cancelled'],
};

// The moves the API allows staff from `status` (admin, ceo, a manager of the order's city).
export function moves(status) {
  return NEXT[status] ?? [];
}

// Statuses only move forward: an event older than what is shown changes nothing.
export function forward(from, to) {
  return !FINAL.includes(from) && RANK[to] > RANK[from];
}
