// The customer's Telegram Mini App (docs/protocol.md §12.4): city, menu, cart, checkout,
// live order status and bonus balance. Signs in with Telegram's initData; talks WebSocket
// only through the official client.
import { connect } from '../../clients/js/ordercast.js';
import { apiClient, claims, request, socketUrl } from '../shared/api.js';
import { h, fill } from '../shared/dom.js';
import { pickLanguage, translatePage, translator } from '../shared/i18n.js';
import { messageOf, say } from '../shared/messages.js';
import { roubles } from '../shared/money.js';
import { Account } from './account.js';
import { Cart, plain, toPay } from './cart.js';
import en from './strings.en.js';
import ru from './strings.ru.js';
import { telegram } from './telegram.js';

const tg = telegram();
const languages = { en, ru };
const lang = pickLanguage([tg.languageCode, ...navigator.languages].filter(Boolean), Object.keys(languages));
const t = translator(languages[lang], en);
document.documentElement.lang = lang;
translatePage(document, t);
document.title = t('title');

const $ = (selector) => document.querySelector(selector);
const { format: money, signBefore, signAfter } = roubles(lang);
// The hooks [data-cart-total] and [data-bonus-balance] hold the number alone, the sign beside.
for (const el of document.querySelectorAll('.cur-before')) el.textContent = signBefore;
for (const el of document.querySelectorAll('.cur-after')) el.textContent = signAfter;
const when = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const alert = (e) => say($('.messages'), 'alert', messageOf(e, t), t('dismiss'));

if (!tg.initData) {
  $('[data-outside]').hidden = false; // opened outside Telegram: nothing to sign in with
} else {
  tg.ready();
  start();
}

// A random key per checkout attempt (crypto.randomUUID needs a secure context; this does not).
function newKey() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function start() {
  let token = null;
  let expires = 0;
  // The token from initData; again whenever it has run out.
  async function signIn() {
    token = (await request('POST', '/api/auth/telegram', { initData: tg.initData })).token;
    expires = (claims(token)?.exp ?? 0) * 1000;
    return token;
  }
  const getToken = async () => (token && Date.now() < expires ? token : signIn());
  const raw = apiClient(() => token, () => {});
  // A call, signed in again once if the token was refused.
  const call = async (...args) => {
    await getToken();
    try {
      return await raw(...args);
    } catch (e) {
      if (e.status !== 401) throw e;
      await signIn();
      return raw(...args);
    }
  };

  try {
    await signIn();
  } catch (e) {
    $('[data-outside]').hidden = false;
    $('[data-outside] p').textContent = e.status === 401 ? t('signInRefused') : t('signInFailed');
    return alert(e);
  }
  $('.app').hidden = false;
  new App(call, getToken, String(tg.user?.id ?? 'me'));
}

class App {
  constructor(call, getToken, who) {
    this.call = call;
    this.account = new Account(sessionStorage, `ordercast.app.${who}`);
    this.cities = [];
    this.menu = [];
    this.city = Number(localStorage.getItem('ordercast.app.city')) || null;
    this.cart = null;
    this.key = null; // the Idempotency-Key of the checkout under way
    this.busy = false;
    this.screen = 'menu';
    this.loads = 0;
    for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => this.show(b.dataset.tab));
    tg.onBackButton(() => this.show('menu'));
    tg.onMainButton(() => this.checkout());
    this.account.subscribe((what) => this.accountChanged(what));
    this.renderOrders();
    this.renderBalance();
    this.show('menu');
    this.loadCities();

    const kept = this.account.position;
    this.client = connect(socketUrl(), { getToken, since: kept?.lastEventId ?? undefined, epoch: kept?.epoch ?? undefined });
    const c = this.client;
    for (const type of ['order-created', 'order-status-updated', 'bonus-updated']) {
      c.on(type, (d) => {
        this.account.apply(type, d);
        this.remember();
      });
    }
    c.on('resync', () => this.load());
    c.on('state', (state, detail) => {
      // Resumed: what was missed came as events. Otherwise (first connect, or a position the
      // server could not resume: resync follows) load over HTTP.
      if (state === 'connected' && !('recovered' in detail)) this.load();
    });
  }

  remember() {
    this.account.save({ lastEventId: this.client.lastEventId, epoch: this.client.epoch });
  }

  async load() {
    const mine = ++this.loads;
    this.account.beginLoad();
    try {
      const [page, bonuses] = await Promise.all([this.call('GET', '/api/orders?limit=20'), this.call('GET', '/api/bonuses')]);
      if (mine !== this.loads) return;
      this.account.endLoad(page.orders, page.next_before, bonuses.balance);
      this.remember();
    } catch (e) {
      if (mine !== this.loads) return;
      this.account.failLoad();
      alert(e);
    }
  }

  async loadMore(button) {
    button.setAttribute('aria-busy', 'true');
    try {
      const page = await this.call('GET', `/api/orders?limit=20&before=${this.account.next}`);
      this.account.more(page.orders, page.next_before);
      this.remember();
    } catch (e) {
      button.removeAttribute('aria-busy');
      alert(e);
    }
  }

  accountChanged(what) {
    if (what !== 'balance') this.renderOrders();
    if (what !== 'orders') this.renderBalance();
  }

  // ---- screens ----

  show(screen) {
    this.screen = screen;
    for (const s of document.querySelectorAll('[data-screen]')) s.hidden = s.dataset.screen !== screen;
    for (const b of document.querySelectorAll('[data-tab]')) b.toggleAttribute('aria-current', b.dataset.tab === screen);
    tg.backButton(screen !== 'menu');
    if (screen === 'cart') this.renderCart();
    this.mirror();
    scrollTo(0, 0);
  }

  // ---- cities and the menu ----

  async loadCities() {
    try {
      this.cities = (await this.call('GET', '/api/cities')).cities;
    } catch (e) {
      return alert(e);
    }
    if (!this.cities.some((c) => c.id === this.city)) this.city = this.cities[0]?.id ?? null;
    this.renderCities();
    if (this.city !== null) this.chooseCity(this.city);
  }

  renderCities() {
    fill($('.cities'), this.cities.map((c) => h('button', {
      type: 'button', role: 'radio', class: 'city', 'data-city-id': c.id, 'aria-checked': String(c.id === this.city),
      onclick: () => this.chooseCity(c.id),
    }, c.name)));
  }

  async chooseCity(id) {
    this.city = id;
    localStorage.setItem('ordercast.app.city', String(id));
    this.cart = new Cart(localStorage, `ordercast.app.cart.${id}`);
    this.key = null;
    this.renderCities();
    try {
      const { items } = await this.call('GET', `/api/menu?city_id=${id}`);
      if (this.city !== id) return;
      this.menu = items.filter((m) => m.available);
      this.cart.keep(this.menu);
    } catch (e) {
      alert(e);
    }
    this.renderMenu();
    this.renderCart();
  }

  renderMenu() {
    const root = $('[data-screen=menu]');
    if (this.menu.length === 0) return fill(root, h('p', { class: 'empty' }, t('noMenu')));
    fill(root, h('ul', { class: 'menu' }, this.menu.map((m) => {
      const q = this.cart.lines.get(m.id) ?? 0;
      return h('li', { class: 'item', 'data-menu-item-id': m.id },
        h('div', { class: 'item-text' }, h('span', { class: 'name' }, m.name), h('span', { class: 'price' }, money(m.price))),
        h('div', { class: 'qty' },
          q > 0 ? h('button', { type: 'button', class: 'less', 'aria-label': t('less', { name: m.name }), onclick: () => this.add(m.id, -1) }, '−') : null,
          q > 0 ? h('span', { class: 'n' }, String(q)) : null,
          h('button', { type: 'button', class: 'add', 'data-add': true, 'aria-label': t('add', { name: m.name }), onclick: () => this.add(m.id, 1) }, '+')));
    })));
    this.renderCartBadge();
  }

  add(id, by) {
    this.cart.add(id, by);
    this.key = null; // a different cart: a new checkout
    if (by > 0) tg.haptic('add');
    this.renderMenu();
    if (this.screen === 'cart') this.renderCart();
    this.mirror();
  }

  renderCartBadge() {
    const n = this.cart?.count() ?? 0;
    $('.cart-count').textContent = n > 0 ? String(n) : '';
  }

  // ---- the cart and checkout ----

  bonuses() {
    const v = Number($('input[name=bonuses]')?.value || 0);
    return Number.isFinite(v) && v > 0 ? v : 0;
  }

  renderCart() {
    if (!this.cart) return;
    const root = $('[data-screen=cart]');
    this.renderCartBadge();
    const subtotal = this.cart.subtotal(this.menu);
    const names = new Map(this.menu.map((m) => [m.id, m]));
    const bonusesKept = $('input[name=bonuses]')?.value ?? '';
    const commentKept = $('textarea[name=comment]')?.value ?? '';
    const balance = this.account.balance ?? 0;
    const usable = Math.min(balance, subtotal);
    const total = h('span', { 'data-cart-total': true }, plain(toPay(subtotal, Number(bonusesKept) || 0)));
    const bonuses = h('input', { name: 'bonuses', type: 'number', min: 0, step: '0.01', inputmode: 'decimal', value: bonusesKept, placeholder: '0' });
    bonuses.addEventListener('input', () => {
      total.textContent = plain(toPay(subtotal, this.bonuses()));
      this.key = null;
      this.mirror();
    });
    fill(root,
      this.cart.count() === 0 ? h('p', { class: 'empty' }, t('cartEmpty')) : h('ul', { class: 'lines' },
        this.cart.items().map(({ menuItemId, quantity }) => h('li', {},
          h('span', { class: 'name' }, names.get(menuItemId)?.name ?? ''),
          h('span', { class: 'qty' },
            h('button', { type: 'button', 'aria-label': t('less', { name: names.get(menuItemId)?.name }), onclick: () => this.add(menuItemId, -1) }, '−'),
            h('span', { class: 'n' }, String(quantity)),
            h('button', { type: 'button', 'aria-label': t('add', { name: names.get(menuItemId)?.name }), onclick: () => this.add(menuItemId, 1) }, '+')),
          h('span', { class: 'price' }, money((names.get(menuItemId)?.price ?? 0) * quantity))))),
      h('p', { class: 'row' }, h('span', {}, t('subtotal')), h('span', {}, money(subtotal))),
      h('label', { class: 'bonuses' },
        h('span', {}, t('spendBonuses', { max: money(usable) })),
        h('span', { class: 'bonus-input' }, bonuses,
          h('button', { type: 'button', onclick: () => { bonuses.value = plain(usable); bonuses.dispatchEvent(new Event('input')); } }, t('all')))),
      h('label', { class: 'comment' }, h('span', {}, t('comment')),
        h('textarea', { name: 'comment', rows: 2, maxlength: 500 }, commentKept)),
      h('p', { class: 'row total' }, h('span', {}, t('toPay')), h('strong', {}, signBefore, total, signAfter)),
      h('button', { type: 'button', class: 'checkout', 'data-checkout': true, onclick: () => this.checkout() }, t('checkout')));
    this.mirror();
  }

  // Telegram's MainButton mirrors the page's checkout button: on the cart screen, with the
  // total; in progress while a checkout is under way.
  mirror() {
    const button = $('button[data-checkout]');
    const empty = !this.cart || this.cart.count() === 0;
    if (button) {
      button.disabled = empty;
      button.toggleAttribute('aria-busy', this.busy);
    }
    const total = toPay(this.cart?.subtotal(this.menu) ?? 0, this.bonuses());
    tg.mainButton({ text: t('checkoutFor', { total: money(total) }), visible: this.screen === 'cart' && !empty, enabled: !this.busy, busy: this.busy });
  }

  // One Idempotency-Key per checkout attempt: a double tap, or a retry after the answer was
  // lost, sends the same key, and the server makes one order of them.
  async checkout() {
    if (this.busy || !this.cart || this.cart.count() === 0) return;
    this.key ??= newKey();
    this.busy = true;
    this.mirror();
    const body = { city_id: this.city, items: this.cart.items() };
    const bonuses = this.bonuses();
    if (bonuses > 0) body.bonuses_used = bonuses;
    const comment = $('textarea[name=comment]')?.value.trim();
    if (comment) body.comment = comment;
    try {
      const order = await this.call('POST', '/api/orders', body, { 'idempotency-key': this.key });
      this.key = null;
      for (const m of document.querySelectorAll('.message-alert')) m.remove(); // the failures it overcame
      this.cart.clear();
      this.account.placed(order);
      this.remember();
      tg.haptic('success');
      this.busy = false;
      this.renderMenu();
      this.renderCart();
      const input = $('input[name=bonuses]');
      if (input) input.value = '';
      this.show('orders');
    } catch (e) {
      this.busy = false;
      tg.haptic('error');
      alert(e);
      this.mirror();
    }
  }

  // ---- my orders and the balance ----

  renderBalance() {
    $('[data-bonus-balance]').textContent = plain(this.account.balance ?? 0);
    if (this.screen === 'cart') this.renderCart();
  }

  renderOrders() {
    const root = $('[data-screen=orders]');
    const orders = this.account.list();
    fill(root,
      orders.length === 0 ? h('p', { class: 'empty' }, t('noOrders')) : h('ul', { class: 'orders' }, orders.map((o) => this.orderCard(o))),
      this.account.next ? h('button', { type: 'button', class: 'more', onclick: (e) => this.loadMore(e.currentTarget) }, t('more')) : null);
  }

  orderCard(o) {
    const steps = ['pending', 'confirmed', 'preparing', 'ready', o.status === 'completed' ? 'completed' : 'delivering'];
    const reached = steps.indexOf(o.status);
    return h('li', { class: `order status-${o.status}`, 'data-order-id': o.id, 'data-status': o.status },
      h('div', { class: 'order-head' },
        h('strong', {}, t('orderNumber', { number: o.order_number })),
        h('span', { class: 'status' }, t(`status.${o.status}`))),
      o.status === 'cancelled' ? null : h('ol', { class: 'steps', 'aria-hidden': 'true' },
        steps.map((s, i) => h('li', { class: i <= reached ? 'done' : '' }))),
      h('p', { class: 'when' }, when.format(new Date(o.created_at))),
      h('ul', { class: 'order-items' }, (o.items ?? []).map((it) => h('li', {}, `${it.quantity} × ${it.name}`))),
      h('p', { class: 'row' }, h('span', {}, t('total')), h('strong', {}, money(o.total))),
      o.bonuses_used > 0 ? h('p', { class: 'row hint' }, h('span', {}, t('bonusesSpent')), h('span', {}, money(o.bonuses_used))) : null,
      o.status === 'completed' && o.bonuses_earned > 0
        ? h('p', { class: 'earned' }, t('bonusesEarned', { amount: money(o.bonuses_earned) })) : null,
      o.status === 'pending'
        ? h('button', { type: 'button', class: 'cancel', 'data-cancel': true, onclick: (e) => this.cancel(o, e.currentTarget) }, t('cancel')) : null);
  }

  async cancel(o, button) {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      const updated = await this.call('PATCH', `/api/orders/${o.id}/status`, { status: 'cancelled' });
      this.account.moved(updated.id, updated.status, updated.updated_at);
      this.remember();
    } catch (e) {
      button.removeAttribute('aria-busy');
      alert(e);
    }
  }
}
