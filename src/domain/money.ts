/**
 * Money: integer cents from the services, a decimal amount and a localised
 * string for the frontends.
 *
 * `Intl.NumberFormat` is expensive to build and not free to use, and a shop
 * shows the same prices over and over, so formatters are kept per locale and
 * currency, and each keeps the strings it has produced. Both are bounded:
 * locales are reduced to the few the runtime supports (see locale.ts),
 * currencies come from our own services, and each map is capped all the same.
 */
interface Formatter {
  format: (amount: number) => string;
  done: Map<number, string>;
}

const formatters = new Map<string, Formatter>();
const MAX_FORMATTERS = 512;
const MAX_STRINGS = 20_000;

export function formatMoney(cents: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    let intl: Intl.NumberFormat;
    try {
      intl = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // A currency code Intl does not know: show the amount with the code.
      return `${(cents / 100).toFixed(2)} ${currency}`;
    }
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatter = { format: (amount) => intl.format(amount), done: new Map() };
    formatters.set(key, formatter);
  }
  let text = formatter.done.get(cents);
  if (text === undefined) {
    text = formatter.format(cents / 100);
    if (formatter.done.size >= MAX_STRINGS) formatter.done.clear();
    formatter.done.set(cents, text);
  }
  return text;
}

export function amountOf(cents: number): number {
  return cents / 100;
}
