/**
 * The mobile app's product summary: plain text of at most 200 characters,
 * derived from the markdown description.
 *
 * Headings are dropped (a description's heading repeats the product name or
 * labels a section), other markdown syntax is removed (emphasis, links,
 * images, code, list markers), whitespace folded, and the text cut at a word boundary with an
 * ellipsis so it never ends mid-word.
 */
export const SUMMARY_MAX = 200;

export function summarize(markdown: string, max = SUMMARY_MAX): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s.*$/gm, ' ')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, '')
    .replace(/`([^`]*)`/g, '$1')
    // Emphasis markers only where markdown reads them: hugging text, not inside a word.
    .replace(/(^|[^\w*])(\*\*|__)(?=\S)(.+?)(?<=\S)\2(?!\w)/g, '$1$3')
    .replace(/(^|[^\w*])(\*|_)(?=\S)(.+?)(?<=\S)\2(?!\w)/g, '$1$3')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1')
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?\/?>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}
