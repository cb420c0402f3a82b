// Roubles for people of `lang`: whole amounts without kopecks, others with two digits
// ("₽350", "₽450.50"; "350 ₽" in Russian); and the currency sign where the locale puts it,
// for amounts shown as plain digits.
export function roubles(lang) {
  const format = (digits) => new Intl.NumberFormat(lang, {
    style: 'currency', currency: 'RUB', currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
  const [whole, kopecks] = [format(0), format(2)];
  const parts = whole.formatToParts(1);
  const at = parts.findIndex((p) => p.type === 'integer');
  const join = (list) => list.map((p) => p.value).join('');
  return {
    format: (x) => (Number.isInteger(x) ? whole : kopecks).format(x),
    signBefore: join(parts.slice(0, at)),
    signAfter: join(parts.slice(at + 1)),
  };
}
