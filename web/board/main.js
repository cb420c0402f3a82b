// The staff board (docs/protocol.md §12.3): wires sign-in, the API, the official client and
// the views. Orders come over HTTP once per connection and then from events alone.
import { connect } from '../../clients/js/ordercast.js';
import { h } from '../shared/dom.js';
import { pickLanguage, translatePage, translator } from '../shared/i18n.js';
import { messageOf, say } from '../shared/messages.js';
import { allOrders, apiClient, claims, request, socketUrl } from '../shared/api.js';
import { roubles } from '../shared/money.js';
import { FailedSyncs } from './failed-syncs.js';
import { ACTIVE, Orders, startOfDay } from './orders.js';
import { OrdersView } from './orders-view.js';
import { Presence } from './presence.js';
import { Session } from './session.js';
import { Sound } from './sound.js';
import { StaffView } from './staff-view.js';
import en from './strings.en.js';
import ru from './strings.ru.js';

const languages = { en, ru };
const lang = pickLanguage(navigator.languages, Object.keys(languages));
const t = translator(languages[lang], en);
document.documentElement.lang = lang;
translatePage(document, t);

const $ = (selector) => document.querySelector(selector);
const session = new Session(sessionStorage);
const sound = new Sound(localStorage);
const signin = $('form[data-signin]');
let board = null;

// ---- messages to the person ----

const alert = (e) => say($('.messages'), 'alert', messageOf(e, t), t('dismiss'));
const notice = (text) => say($('.messages'), 'status', text, t('dismiss'));

// ---- the connection indicator: what the client says, or signed out ----

function indicate(state) {
  const el = $('[data-connection]');
  el.dataset.connection = state;
  el.textContent = t(`connection.${state}`);
}

// ---- signing in and out ----

function showSignIn(reason) {
  indicate('signed-out');
  signin.hidden = false;
  $('.signin-reason').textContent = reason ?? '';
  signin.login.focus();
}

session.onAsk = () => showSignIn(t('sessionEnded'));

signin.addEventListener('submit', async (e) => {
  e.preventDefault();
  const pasted = signin.token.value.trim();
  let token = pasted;
  if (!pasted) {
    try {
      token = (await request('POST', '/api/auth/login', { login: signin.login.value, password: signin.password.value })).token;
    } catch (err) {
      return alert(err);
    }
  }
  signin.reset();
  const before = board?.me.userId;
  session.set(token);
  signin.hidden = true;
  // Signed in again as someone else: start over as them.
  if (board && claims(token)?.userId !== before && Number(claims(token)?.sub) !== before) return location.reload();
  if (!board) start();
});

function signOut(reason) {
  const was = board;
  board = null;
  was?.stop();
  session.clear();
  for (const el of document.querySelectorAll('[data-when-signed-in], .view-staff')) el.hidden = true;
  showSignIn(reason);
}

$('button[data-signout]').addEventListener('click', () => signOut());

// ---- the signed-in board ----

async function start() {
  const call = apiClient(() => session.token, () => signOut(t('sessionEnded')));
  let me;
  let cities;
  try {
    me = await call('GET', '/api/me');
    cities = (await call('GET', '/api/cities')).cities;
  } catch (e) {
    if (e.status !== 401) alert(e);
    if (e.status !== 401) signOut();
    return;
  }
  if (!['admin', 'ceo', 'manager'].includes(me.role)) return signOut(t('notStaff'));
  board = new Board(call, me, cities);
}

class Board {
  constructor(call, me, cities) {
    this.call = call;
    this.me = me;
    this.cities = cities;
    this.loads = 0;
    const overseer = me.role === 'admin' || me.role === 'ceo';
    const names = new Map(cities.map((c) => [c.id, c.name]));
    const money = roubles(lang);
    const clock = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const ui = {
      t, call, alert, notice, cities, role: me.role,
      cityName: (id) => names.get(id) ?? t('cityId', { id }),
      money: money.format,
      time: (iso) => clock.format(new Date(iso)),
      orderLabel: (id) => t('orderNumber', { number: this.orders.byId.get(id)?.order_number ?? id }),
      thresholds: () => thresholds.get(),
      move: (o, to, button) => this.move(o, to, button),
    };
    this.orders = new Orders();
    this.view = new OrdersView($('.columns'), this.orders, ui);
    this.presence = new Presence($('.presence-panel'), ui);
    this.syncs = overseer ? new FailedSyncs($('.syncs-panel'), ui) : null;
    this.staff = overseer ? new StaffView($('.view-staff'), ui) : null;
    $('.syncs-panel').hidden = !overseer;
    $('a[href="#staff"]').hidden = !overseer;
    $('.who').textContent = t('signedInAs', { who: me.login ?? t(`role.${me.role}`), role: t(`role.${me.role}`) });
    this.cityFilter(cities.filter((c) => overseer || me.cityIds.includes(c.id)));
    for (const el of document.querySelectorAll('[data-when-signed-in]')) el.hidden = false;
    this.route = () => this.show(location.hash);
    addEventListener('hashchange', this.route);
    this.route();
    this.orders.subscribe((change, o) => {
      if (change === 'add') {
        sound.play('new');
        sound.notify(t('newOrder', { number: o.order_number }), ui.cityName(o.city_id), `order-${o.id}`);
      } else if (change === 'unattended') {
        sound.play('alert');
        sound.notify(t('unattendedOrder', { number: o.order_number }), ui.cityName(o.city_id), `order-${o.id}`);
      }
    });
    indicate('reconnecting');
    this.client = connect(socketUrl(), { getToken: session.getToken });
    const c = this.client;
    c.on('state', (state, detail) => this.state(state, detail));
    for (const type of ['new-order', 'order-status-updated']) c.on(type, (d) => this.orders.apply(type, d));
    c.on('order-unattended', (d) => {
      this.orders.apply('order-unattended', d);
      this.presence.set(d.cityId, d.managersOnline);
    });
    for (const type of ['sync-error', 'sync-success']) c.on(type, (d) => this.syncs?.changed(type, d));
    c.on('resync', () => this.reload());
  }

  stop() {
    this.client.close();
    this.view.stop();
    this.presence.stop();
    removeEventListener('hashchange', this.route);
  }

  state(state, detail) {
    if (state === 'connected') {
      indicate('connected');
      // A first connection loads the orders; a resumed one got what it missed as events (a
      // resume the server cannot serve sends resync, which reloads).
      if (!('recovered' in detail)) this.reload();
      this.presence.load();
      this.syncs?.load();
    } else if (state === 'closed') {
      if (board === this) signOut(t('sessionEnded'));
    } else if (!session.asking) {
      indicate('reconnecting');
    }
  }

  show(hash) {
    const staff = hash === '#staff' && this.staff !== null;
    $('.view-orders').hidden = staff;
    $('.view-staff').hidden = !staff;
    for (const a of document.querySelectorAll('.nav a')) a.toggleAttribute('aria-current', a.getAttribute('href') === (staff ? '#staff' : '#orders'));
    if (staff) this.staff.load();
  }

  cityFilter(shown) {
    const select = $('select[name=city]');
    const label = select.closest('label');
    label.hidden = shown.length < 2;
    select.replaceChildren(h('option', { value: '' }, t('allCities')), ...shown.map((c) => h('option', { value: c.id }, c.name)));
    const kept = localStorage.getItem('ordercast.board.city') ?? '';
    select.value = shown.some((c) => String(c.id) === kept) ? kept : '';
    const apply = () => {
      localStorage.setItem('ordercast.board.city', select.value);
      this.view.filter(select.value === '' ? null : Number(select.value));
    };
    select.onchange = apply;
    apply();
  }

  // The orders in scope, once: every active one, and today's completed and cancelled.
  async reload() {
    const mine = ++this.loads;
    this.orders.beginLoad();
    const today = startOfDay(Date.now());
    const long = (o) => Date.parse(o.created_at) < today - 86400000; // placed before yesterday
    try {
      const lists = await Promise.all([
        ...ACTIVE.map((s) => allOrders(this.call, `status=${s}`)),
        ...['completed', 'cancelled'].map((s) => allOrders(this.call, `status=${s}`, { stopBefore: long })),
      ]);
      if (mine === this.loads) this.orders.endLoad(lists.flat());
    } catch (e) {
      if (mine !== this.loads || board !== this) return;
      this.orders.failLoad();
      if (e.status !== 401) alert(e);
      setTimeout(() => mine === this.loads && board === this && this.reload(), 3000);
    }
  }

  // The button stays enabled (a disabled button would lose the keyboard's focus); a second
  // press while the first is under way does nothing.
  async move(o, to, button) {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      const updated = await this.call('PATCH', `/api/orders/${o.id}/status`, { status: to });
      this.orders.moved(updated.id, updated.status, updated.updated_at);
    } catch (e) {
      button.removeAttribute('aria-busy');
      alert(e);
      // The card was stale: bring it up to date (one order, not the list).
      if (e.status === 409) {
        try {
          const now = await this.call('GET', `/api/orders/${o.id}`);
          this.orders.moved(now.id, now.status, now.updated_at);
        } catch {}
      }
    }
  }
}

// ---- waiting-time thresholds, set on the page and remembered ----

const thresholds = {
  get() {
    return {
      warnMin: Number(localStorage.getItem('ordercast.board.warnMin') ?? 10),
      lateMin: Number(localStorage.getItem('ordercast.board.lateMin') ?? 20),
    };
  },
  bind() {
    const { warnMin, lateMin } = this.get();
    const warn = $('input[name=warnMin]');
    const late = $('input[name=lateMin]');
    warn.value = warnMin;
    late.value = lateMin;
    for (const [input, key] of [[warn, 'warnMin'], [late, 'lateMin']]) {
      input.addEventListener('change', () => {
        if (input.checkValidity()) localStorage.setItem(`ordercast.board.${key}`, input.value);
      });
    }
  },
};
thresholds.bind();

// ---- the sound toggle ----

const soundButton = $('button[data-sound]');
const showSound = () => {
  soundButton.setAttribute('aria-pressed', String(sound.on));
  soundButton.textContent = t(sound.on ? 'soundOn' : 'soundOff');
};
soundButton.addEventListener('click', () => {
  sound.toggle();
  showSound();
});
showSound();

if (session.token) start();
else showSignIn();
