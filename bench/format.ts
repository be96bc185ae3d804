/**
 * How the report writes numbers: one place, so every table and target line
 * shows a missing or non-finite value the same way ('–').
 */
export const f = (n: number | undefined | null, digits = 1): string => (n === undefined || n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));

export const mark = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** A ratio as a percentage with one decimal: 0.953 → '95.3 %'. */
export const pct = (ratio: number): string => `${f(100 * ratio)} %`;
