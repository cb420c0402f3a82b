// Staff online per city (GET /api/presence): asked on every (re)connect and every 10 s —
// presence has no event of its own — and set at once from each order-unattended's count.
import { h, fill } from '../shared/dom.js';

const EVERY_MS = 10000;

export class Presence {
  // `ui`: t, call, cityName.
  constructor(root, ui) {
    this.ui = ui;
    this.list = h('ul', { class: 'presence' });
    fill(root, h('h2', {}, ui.t('staffOnline')), this.list);
    this.timer = setInterval(() => this.load(), EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  async load() {
    try {
      const p = await this.ui.call('GET', '/api/presence');
      fill(this.list, p.cities.map((c) => h('li', {},
        h('span', { class: 'city' }, this.ui.cityName(c.cityId)),
        h('span', { class: 'online', 'data-managers-online': c.cityId }, String(c.managersOnline)))));
    } catch {} // a failed poll changes nothing shown; the next one tries again
  }

  set(cityId, managersOnline) {
    const el = this.list.querySelector(`[data-managers-online="${Number(cityId)}"]`);
    if (el && Number.isSafeInteger(managersOnline)) el.textContent = String(managersOnline);
  }
}
