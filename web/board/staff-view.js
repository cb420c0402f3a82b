// Admin/ceo: the staff accounts (GET /api/staff) — add a manager with a password and cities,
// change a manager's cities, remove an account (twice-pressed, as it ends the account).
import { h, fill } from '../shared/dom.js';

export class StaffView {
  // `ui`: t, call, alert(error), notice(text), cities (all), role (of the signed-in person).
  constructor(root, ui) {
    this.ui = ui;
    this.rows = h('tbody');
    const t = ui.t;
    const roles = ui.role === 'ceo' ? ['manager', 'admin', 'ceo'] : ['manager'];
    this.form = h('form', { class: 'add-staff', 'data-add-staff': true, onsubmit: (e) => this.add(e) },
      h('h2', {}, t('addStaff')),
      h('label', {}, t('login'), h('input', { name: 'login', required: true, autocomplete: 'off', maxlength: 100 })),
      h('label', {}, t('password'), h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' })),
      h('label', {}, t('role'), h('select', { name: 'role' }, roles.map((r) => h('option', { value: r }, t(`role.${r}`))))),
      this.cityBoxes('city', []),
      h('button', { type: 'submit' }, t('create')));
    fill(root,
      h('h2', {}, t('staff')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'staff' },
        h('thead', {}, h('tr', {}, h('th', {}, t('login')), h('th', {}, t('role')), h('th', {}, t('cities')), h('th', {}, ''))),
        this.rows)),
      this.form);
  }

  cityBoxes(name, checked) {
    return h('fieldset', { class: 'cities' }, h('legend', {}, this.ui.t('cities')),
      this.ui.cities.map((c) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, value: c.id, checked: checked.includes(c.id) }), c.name)));
  }

  async load() {
    try {
      const { staff } = await this.ui.call('GET', '/api/staff');
      fill(this.rows, staff.map((s) => this.row(s)));
    } catch (e) {
      this.ui.alert(e);
    }
  }

  row(s) {
    const t = this.ui.t;
    const cities = s.role === 'manager'
      ? h('form', { class: 'row-cities', onsubmit: (e) => this.saveCities(e, s) },
        this.cityBoxes(`cities-${s.id}`, s.cityIds), h('button', { type: 'submit', 'data-save-cities': s.id }, t('saveCities')))
      : t('allCities');
    const remove = h('button', { type: 'button', class: 'danger', 'data-remove-staff': s.id }, t('remove'));
    remove.addEventListener('click', () => {
      if (remove.dataset.armed === undefined) {
        remove.dataset.armed = '';
        remove.textContent = t('confirmRemove', { login: s.login });
        return;
      }
      this.remove(s, remove);
    });
    return h('tr', { 'data-staff-id': s.id },
      h('td', {}, s.login), h('td', {}, t(`role.${s.role}`)), h('td', {}, cities), h('td', {}, remove));
  }

  checked(form, name) {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => Number(i.value));
  }

  async add(e) {
    e.preventDefault();
    const f = this.form;
    const body = { login: f.login.value, password: f.password.value, role: f.role.value, cityIds: this.checked(f, 'city') };
    try {
      const created = await this.ui.call('POST', '/api/staff', body);
      f.reset();
      this.ui.notice(this.ui.t('staffCreated', { login: created.login }));
      await this.load();
    } catch (err) {
      this.ui.alert(err);
    }
  }

  async saveCities(e, s) {
    e.preventDefault();
    try {
      await this.ui.call('PUT', `/api/managers/${s.id}/cities`, this.checked(e.currentTarget, `cities-${s.id}`));
      this.ui.notice(this.ui.t('citiesSaved', { login: s.login }));
      await this.load();
    } catch (err) {
      this.ui.alert(err);
    }
  }

  async remove(s, button) {
    button.disabled = true;
    try {
      await this.ui.call('DELETE', `/api/staff/${s.id}`);
      this.ui.notice(this.ui.t('staffRemoved', { login: s.login }));
      await this.load();
    } catch (err) {
      button.disabled = false;
      this.ui.alert(err);
    }
  }
}
