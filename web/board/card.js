// One order as a card: number, city, time waiting, items, comment, total, and a button for
// each move the API allows from its status (docs/protocol.md §12.3 hooks).
import { h, fill } from '../shared/dom.js';
import { columnOf, moves } from './orders.js';

// "m:ss" below an hour, "h:mm:ss" from there.
export function waited(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60);
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

// The class of a card waiting `ms` against the thresholds (minutes) set on the page.
export function urgency(ms, { warnMin, lateMin }) {
  if (ms >= lateMin * 60000) return 'late';
  if (ms >= warnMin * 60000) return 'warn';
  return 'ok';
}

// Fills `el` (the card of `o`); `ui` has t, cityName, money, time and move(order, status).
export function renderCard(el, o, ui) {
  const done = columnOf(o.status) === 'done';
  el.className = `card${done ? ' card-done' : ''}`;
  el.tabIndex = 0;
  el.dataset.orderId = o.id;
  el.dataset.status = o.status;
  el.dataset.cityId = o.city_id;
  el.toggleAttribute('data-unattended', Boolean(o.unattended));
  el.setAttribute('aria-label', ui.t('cardLabel', { number: o.order_number, status: ui.t(`status.${o.status}`) }));
  fill(el,
    h('div', { class: 'card-head' },
      h('strong', { class: 'num' }, `#${o.order_number}`),
      h('span', { class: 'city' }, ui.cityName(o.city_id)),
      done
        ? h('span', { class: 'ended' }, `${ui.t(`status.${o.status}`)} ${ui.time(o.updated_at)}`)
        : h('time', { class: 'wait', datetime: o.created_at, title: ui.t('waiting') }, '')),
    o.unattended ? h('p', { class: 'unattended-note' }, ui.t('unattended')) : null,
    h('ul', { class: 'items' },
      (o.items ?? []).map((it) => h('li', {}, h('span', { class: 'qty' }, `${it.quantity}×`), ' ', it.name))),
    o.comment ? h('p', { class: 'comment' }, o.comment) : null,
    h('div', { class: 'card-foot' },
      h('span', { class: 'total' }, ui.money(o.total)),
      o.bonuses_used > 0 ? h('span', { class: 'bonus' }, ui.t('bonusesUsed', { amount: ui.money(o.bonuses_used) })) : null),
    done ? null : h('div', { class: 'moves' },
      moves(o.status).map((to) => h('button', {
        type: 'button',
        class: to === 'cancelled' ? 'move cancel' : 'move',
        'data-to-status': to,
        onclick: (e) => ui.move(o, to, e.currentTarget),
      }, ui.t(`move.${to}`)))));
  return el;
}
