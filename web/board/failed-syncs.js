// Admin/ceo: the changes Gulyash never accepted (GET /api/sync/failed), kept current from
// sync-error and sync-success — each one about an order in the list, or a give-up, reloads
// it — with a retry button per order.
import { h, fill } from '../shared/dom.js';

export class FailedSyncs {
  // `ui`: t, call (the API), alert(error), orderLabel(id).
  constructor(root, ui) {
    this.ui = ui;
    this.list = h('ul', { class: 'failed-syncs' });
    this.root = root;
    this.failed = [];
    fill(root, h('h2', {}, ui.t('failedSyncs')), this.list);
    this.render();
  }

  async load() {
    try {
      this.failed = (await this.ui.call('GET', '/api/sync/failed')).failed;
      this.render();
    } catch (e) {
      this.ui.alert(e);
    }
  }

  // A sync event: reload when it changes what the list says (a bounded, rare request).
  changed(type, data) {
    const listed = this.failed.some((f) => f.entityId === data.entityId);
    if (listed || (type === 'sync-error' && data.willRetry === false)) {
      clearTimeout(this.soon);
      this.soon = setTimeout(() => this.load(), 200);
    }
  }

  async retry(entity, id, button) {
    button.disabled = true;
    try {
      await this.ui.call('POST', `/api/sync/${encodeURIComponent(entity)}/${id}/retry`);
      this.failed = this.failed.filter((f) => f.entityId !== id);
      this.render();
    } catch (e) {
      button.disabled = false;
      this.ui.alert(e);
      if (e.status === 404) this.load();
    }
  }

  render() {
    const byOrder = new Map();
    for (const f of this.failed) if (!byOrder.has(f.entityId)) byOrder.set(f.entityId, f);
    if (byOrder.size === 0) return fill(this.list, h('li', { class: 'empty' }, this.ui.t('noFailedSyncs')));
    fill(this.list, [...byOrder.values()].map((f) => h('li', { 'data-failed-sync': f.entityId },
      h('span', { class: 'what' }, this.ui.orderLabel(f.entityId)),
      h('span', { class: 'why' }, this.ui.t('syncFailedAfter', { error: f.error ?? '', attempts: f.attempts })),
      h('button', { type: 'button', 'data-retry': true, onclick: (e) => this.retry(f.entity, f.entityId, e.currentTarget) },
        this.ui.t('retry')))));
  }
}
