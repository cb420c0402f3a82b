// The columns: a card per order, moved between columns as events arrive — never a list
// reload — newest first, with counts; today's completed and cancelled collapsed in `done`.
import { h } from '../shared/dom.js';
import { ACTIVE, COLUMNS, columnOf } from './orders.js';
import { renderCard, urgency, waited } from './card.js';

export class OrdersView {
  // `ui`: t, cityName, money, time, move(order, status, button), thresholds().
  constructor(root, orders, ui) {
    this.orders = orders;
    this.ui = ui;
    this.cards = new Map();
    this.city = null; // the city shown, or every city
    this.columns = {};
    for (const status of COLUMNS) {
      const count = h('span', { class: 'count' }, '0');
      const cards = h('div', { class: 'cards' });
      const title = [ui.t(`column.${status}`), ' ', count];
      const el = status === 'done'
        ? h('details', { class: 'column column-done', 'data-column': status }, h('summary', {}, title), cards)
        : h('section', { class: 'column', 'data-column': status }, h('h2', {}, title), cards);
      this.columns[status] = { el, count, cards };
    }
    root.replaceChildren(...COLUMNS.map((s) => this.columns[s].el));
    orders.subscribe((change, o, old) => this.changed(change, o, old));
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  stop() {
    clearInterval(this.ticker);
  }

  changed(change, o) {
    if (change === 'reset') return this.reset();
    if (change === 'add') return this.show(o);
    if (change === 'move' || change === 'unattended') return this.show(o);
  }

  reset() {
    for (const { cards } of Object.values(this.columns)) cards.replaceChildren();
    this.cards.clear();
    for (const o of this.orders.shown(Date.now())) this.show(o, false);
    this.counted();
  }

  // Draws `o` in its column (a new card, or its card moved and redrawn in place).
  show(o, count = true) {
    let el = this.cards.get(o.id);
    const focused = el?.contains(document.activeElement);
    if (!el) {
      el = document.createElement('article');
      this.cards.set(o.id, el);
    }
    renderCard(el, o, this.ui);
    this.paint(el, o, Date.now());
    el.hidden = this.city !== null && o.city_id !== this.city;
    const box = this.columns[columnOf(o.status)].cards;
    if (el.parentNode !== box) {
      const next = [...box.children].find((c) => Number(c.dataset.orderId) < o.id) ?? null;
      box.insertBefore(el, next);
    }
    if (focused) el.focus(); // a move made from the keyboard keeps its place on the card
    if (count) this.counted();
  }

  filter(city) {
    this.city = city;
    for (const [id, el] of this.cards) el.hidden = city !== null && this.orders.byId.get(id)?.city_id !== city;
    this.counted();
  }

  counted() {
    for (const { cards, count } of Object.values(this.columns)) {
      count.textContent = String([...cards.children].filter((c) => !c.hidden).length);
    }
  }

  // Waiting time and its colour.
  paint(el, o, now) {
    if (!ACTIVE.includes(o.status)) return;
    const ms = now - Date.parse(o.created_at);
    const wait = el.querySelector('.wait');
    if (wait) wait.textContent = waited(ms);
    const level = urgency(ms, this.ui.thresholds());
    for (const l of ['ok', 'warn', 'late']) el.classList.toggle(`wait-${l}`, l === level);
  }

  tick() {
    const now = Date.now();
    for (const [id, el] of this.cards) {
      const o = this.orders.byId.get(id);
      if (o) this.paint(el, o, now);
    }
  }
}
