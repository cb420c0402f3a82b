// The strings of one language, picked from the browser's preferences: one file per language,
// each a plain object of keys to text; a {name} in a text is replaced by that value.

export function pickLanguage(preferred, available) {
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (available.includes(base)) return base;
  }
  return available[0];
}

export function translator(strings, fallback) {
  return (key, values = {}) => {
    const text = strings[key] ?? fallback[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  };
}

// Elements marked data-i18n="key" get that key's text (data-i18n-placeholder, data-i18n-label:
// the placeholder or aria-label instead).
export function translatePage(root, t) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
