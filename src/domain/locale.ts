/**
 * The request's locale, from `Accept-Language` (default `en-US`).
 *
 * Only a locale the runtime can format with is accepted, so a hostile header
 * can neither throw inside a resolver nor grow the formatter cache. Parsing
 * results are memoised per header value (bounded), because the same few
 * headers arrive over and over.
 */
export const DEFAULT_LOCALE = 'en-US';
const memo = new Map<string, string>();
const MAX_MEMO = 1024;

export function localeFromAcceptLanguage(header: string | undefined): string {
  if (!header) return DEFAULT_LOCALE;
  const known = memo.get(header);
  if (known) return known;
  const locale = pick(header);
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(header, locale);
  return locale;
}

function pick(header: string): string {
  const ranges = header
    .slice(0, 256)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.find((p) => /^\s*q=/i.test(p));
      // A weight that is not a number (q=abc) makes the range invalid: it is ignored.
      const q = qParam === undefined ? 1 : /^\s*q=(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.test(qParam) ? Number(qParam.split('=')[1]) : 0;
      return { tag: tag.trim(), q, index };
    })
    .filter((r) => r.tag && r.tag !== '*' && r.q > 0 && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(r.tag))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // not a well-formed BCP 47 tag: try the next one
    }
  }
  return DEFAULT_LOCALE;
}
