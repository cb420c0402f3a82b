// The cart: menu items and quantities, priced from the menu in kopecks (no rounding drift),
// remembered for the city it was filled in.

const kopecks = (roubles) => Math.round(roubles * 100);

export class Cart {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.lines = new Map(); // menuItemId -> quantity
    try {
      for (const [id, q] of JSON.parse(storage.getItem(key) ?? '[]')) this.lines.set(id, q);
    } catch {}
  }

  save() {
    this.storage.setItem(this.key, JSON.stringify([...this.lines]));
  }

  add(id, by = 1) {
    const q = Math.min(1000, (this.lines.get(id) ?? 0) + by);
    if (q > 0) this.lines.set(id, q);
    else this.lines.delete(id);
    this.save();
  }

  clear() {
    this.lines.clear();
    this.save();
  }

  // Only items the menu still sells count (and are sent).
  keep(menu) {
    const sold = new Set(menu.map((m) => m.id));
    for (const id of [...this.lines.keys()]) if (!sold.has(id)) this.lines.delete(id);
    this.save();
  }

  count() {
    let n = 0;
    for (const q of this.lines.values()) n += q;
    return n;
  }

  // In roubles, from the menu's prices.
  subtotal(menu) {
    const price = new Map(menu.map((m) => [m.id, kopecks(m.price)]));
    let sum = 0;
    for (const [id, q] of this.lines) sum += (price.get(id) ?? 0) * q;
    return sum / 100;
  }

  items() {
    return [...this.lines].map(([menuItemId, quantity]) => ({ menuItemId, quantity }));
  }
}

// What is left to pay: the subtotal less the bonuses spent (never below 0).
export function toPay(subtotal, bonuses) {
  return Math.max(0, kopecks(subtotal) - kopecks(bonuses)) / 100;
}

// 'roubles.kopecks' as plain digits for the hooks (Number() reads it back).
export function plain(roubles) {
  return Number.isInteger(roubles) ? String(roubles) : roubles.toFixed(2);
}
