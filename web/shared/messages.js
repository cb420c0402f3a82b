// Messages to the person: an alert ([role=alert], e.g. the server's refusal of a request) or a
// notice ([role=status]), each with a dismiss button, gone by itself after a while.
import { ApiError } from './api.js';
import { h } from './dom.js';

// What to tell the person of a failed request: the server's message, or that it cannot be
// reached (`t('networkError')`).
export function messageOf(e, t) {
  if (e instanceof ApiError && e.code === 'network') return t('networkError');
  return e?.message || String(e);
}

export function say(container, role, text, dismissLabel) {
  const item = h('div', { class: `message message-${role}` },
    h('span', { role }, text),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': dismissLabel, onclick: () => item.remove() }, '×'));
  container.append(item);
  setTimeout(() => item.remove(), role === 'alert' ? 20000 : 5000);
  return item;
}
