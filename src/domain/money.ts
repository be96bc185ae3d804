/**
 * Money: integer cents from the services, a decimal amount and a localised
 * string for the frontends.
 *
 * `Intl.NumberFormat` is expensive to build and cheap to use, so formatters are
 * kept per locale and currency. The key space is bounded: locales are reduced
 * to the few the runtime supports (see locale.ts) and currencies come from our
 * own services; the map is capped all the same.
 */
const formatters = new Map<string, Intl.NumberFormat>();
const MAX_FORMATTERS = 512;

export function formatMoney(cents: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // A currency code Intl does not know: show the amount with the code.
      return `${(cents / 100).toFixed(2)} ${currency}`;
    }
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter.format(cents / 100);
}

export function amountOf(cents: number): number {
  return cents / 100;
}
