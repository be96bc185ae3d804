/**
 * Readers for the deployment files, for test/deploy.test.ts: the Dockerfile
 * (instructions, stages, what its COPY lines put in the image), .dockerignore
 * (Docker's matching rules), deploy/metrics.md (the metric list) and PromQL
 * (the metric names, label matchers and grouping labels an expression uses).
 * Each reads text only; nothing here runs Docker or Prometheus.
 */
import { readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  /** The instruction's text after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM (with their defaults), usable in FROM. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

/** Parses a Dockerfile: comments dropped (also inside continuations, as Docker does), `\` continuations joined. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending ? { text: `${pending.text} ${part}`.trim(), line: pending.line } : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).trim(), line: pending.line });
    pending = undefined;
  });

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = (words[0] ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globalArgs[(a ?? b) as string] ?? '');
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ image, name, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value] = instruction.args.split('=', 2) as [string, string | undefined];
        globalArgs[key.trim()] = (value ?? '').trim();
      }
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** Splits an instruction's arguments into its `--flag=value` options and the rest (shell words or a JSON array). */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  let remaining = args.trim();
  for (;;) {
    const flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(remaining);
    if (!flag) break;
    flags[flag[1] as string] = flag[2] ?? 'true';
    remaining = remaining.slice(flag[0].length);
  }
  const rest = remaining.startsWith('[') ? (JSON.parse(remaining) as string[]) : remaining.split(/\s+/).filter(Boolean);
  return { flags, rest };
}

/** The exec-form array of CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  return JSON.parse(args) as string[];
}

/** ENV lines of a stage (both `ENV K=V K2=V2` and the legacy `ENV K V`). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    if (!args.includes('=')) {
      const [key, ...value] = args.split(/\s+/);
      env[key as string] = value.join(' ');
      continue;
    }
    for (const pair of args.match(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g) ?? []) {
      const [key, value] = pair.split(/=(.*)/s) as [string, string];
      env[key] = value.replace(/^"(.*)"$/s, '$1');
    }
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// .dockerignore and the build context
// ---------------------------------------------------------------------------------------------

/**
 * Docker's glob (Go's filepath.Match plus `**`) as a regular expression over a
 * slash-separated path: `*` and `?` never cross a `/`, `**` matches any number
 * of folders.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      source += glob.slice(i, end + 1).replace(/^\[!/, '[^');
      i = end;
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export interface IgnoreRule {
  pattern: RegExp;
  exception: boolean;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const glob = posix.normalize((exception ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { pattern: globToRegExp(glob), exception };
    });
}

/**
 * Whether the build context holds a path: the last rule that matches the path
 * or one of its parent folders decides (Docker's rule; `*` then `!src` keeps src/).
 */
export function inContext(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.pattern.test(prefix))) included = rule.exception;
  }
  return included;
}

/** Every file below `root`, as repo-relative slash paths, skipping the folders named. */
export function listFiles(root: string, skip: ReadonlySet<string>, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(posix.join(root, dir)).sort()) {
    const rel = dir ? `${dir}/${name}` : name;
    if (skip.has(rel)) continue;
    const stats = statSync(posix.join(root, rel));
    if (stats.isDirectory()) out.push(...listFiles(root, skip, rel));
    else out.push(rel);
  }
  return out;
}

export interface CopiedFile {
  /** Absolute path in the image. */
  target: string;
  /** Where it comes from: a context path, or `<stage>:<path>` for COPY --from. */
  origin: string;
}

export interface StageCopies {
  /** Files copied from the build context, resolved against the context's files. */
  fromContext: CopiedFile[];
  /** COPY --from lines: the stage, the source path and the target folder. */
  fromStages: { stage: string; source: string; target: string }[];
  /** Context sources of a COPY that match no file of the context (the build would fail). */
  unmatched: string[];
}

/**
 * What the COPY lines of a stage put where, with Docker's rules: a folder's
 * contents go into the target, a file goes to the target path or, when the
 * target ends in `/` (or there are several sources), into it; globs match
 * context paths with `*` not crossing `/`. Relative targets start at WORKDIR.
 */
export function stageCopies(stage: Stage, contextFiles: readonly string[]): StageCopies {
  const result: StageCopies = { fromContext: [], fromStages: [], unmatched: [] };
  let workdir = '/';
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, args);
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const { flags, rest } = splitFlags(args);
    const sources = rest.slice(0, -1);
    const rawTarget = rest[rest.length - 1] as string;
    const target = posix.resolve(workdir, rawTarget);
    const intoFolder = rawTarget.endsWith('/') || sources.length > 1;
    if (flags.from) {
      for (const source of sources) result.fromStages.push({ stage: flags.from, source, target });
      continue;
    }
    for (const rawSource of sources) {
      const source = posix.normalize(rawSource).replace(/^\.\/|\/$/g, '');
      const glob = /[*?[]/.test(source) ? globToRegExp(source) : undefined;
      let matched = false;
      for (const file of contextFiles) {
        if (glob ? glob.test(file) : file === source) {
          matched = true;
          result.fromContext.push({ target: intoFolder || glob ? posix.join(target, posix.basename(file)) : target, origin: file });
        } else if (!glob && file.startsWith(`${source}/`)) {
          matched = true;
          result.fromContext.push({ target: posix.join(target, file.slice(source.length + 1)), origin: file });
        } else if (glob) {
          // A glob that matches a folder copies the folder's contents, not the folder, into the target.
          const folder = file.split('/').map((_, i, all) => all.slice(0, i + 1).join('/')).find((p) => p !== file && glob.test(p));
          if (folder) {
            matched = true;
            result.fromContext.push({ target: posix.join(target, file.slice(folder.length + 1)), origin: file });
          }
        }
      }
      if (!matched) result.unmatched.push(rawSource);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// deploy/metrics.md
// ---------------------------------------------------------------------------------------------

export interface MetricSpec {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  labels: string[];
}

export interface MetricCatalogue {
  metrics: Map<string, MetricSpec>;
  /** `<metric>/<label>` → the values that label takes, when the list is closed. */
  values: Map<string, string[]>;
}

/** Placeholder in the label-values table for any three-digit HTTP status. */
export const HTTP_STATUS = '<http status>';

function tableRows(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`deploy/metrics.md has no "## ${heading}" section.`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // the header row
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

export function parseMetricCatalogue(markdown: string): MetricCatalogue {
  const metrics = new Map<string, MetricSpec>();
  for (const [nameCell = '', type = '', labelsCell = ''] of tableRows(markdown, 'Series')) {
    const [name] = backticked(nameCell);
    if (!name) throw new Error(`deploy/metrics.md: a series row without a metric name: ${nameCell}`);
    if (metrics.has(name)) throw new Error(`deploy/metrics.md lists ${name} twice.`);
    if (!['counter', 'gauge', 'histogram', 'summary'].includes(type)) throw new Error(`deploy/metrics.md: ${name} has type "${type}".`);
    metrics.set(name, { name, type: type as MetricSpec['type'], labels: backticked(labelsCell) });
  }
  const values = new Map<string, string[]>();
  for (const [metricCell = '', labelCell = '', valuesCell = ''] of tableRows(markdown, 'Label values')) {
    const [metric] = backticked(metricCell);
    const [label] = backticked(labelCell);
    values.set(`${metric}/${label}`, backticked(valuesCell));
  }
  return { metrics, values };
}

/** The catalogue name a series name refers to: a histogram's `_bucket`/`_sum`/`_count` are the histogram's. */
export function catalogueName(series: string, catalogue: MetricCatalogue): string | undefined {
  if (catalogue.metrics.has(series)) return series;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = histogram?.[1];
  const spec = base ? catalogue.metrics.get(base) : undefined;
  if (!spec || (spec.type !== 'histogram' && spec.type !== 'summary')) return undefined;
  if (spec.type === 'summary' && histogram?.[2] === 'bucket') return undefined;
  return base;
}

/** Every value a label of a metric may take, or undefined when the list is open. */
export function allowedValues(catalogue: MetricCatalogue, metric: string, label: string): string[] | undefined {
  const listed = catalogue.values.get(`${metric}/${label}`);
  if (!listed) return undefined;
  const statuses = listed.includes(HTTP_STATUS) ? Array.from({ length: 500 }, (_, i) => String(100 + i)) : [];
  return [...listed.filter((v) => v !== HTTP_STATUS), ...statuses];
}

// ---------------------------------------------------------------------------------------------
// PromQL
// ---------------------------------------------------------------------------------------------

/** The metrics the deployment files may name: the gateway's own and prom-client's default ones. */
export const METRIC_NAME = /\b(?:gateway|nodejs|process)_[a-z0-9_]+\b/g;

export interface Matcher {
  metric: string;
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(METRIC_NAME) ?? [])];
}

/** The label matchers written right after a metric name, `name{a="b", c=~"d|e"}`. */
export function matchers(expr: string): Matcher[] {
  const out: Matcher[] = [];
  for (const selector of expr.matchAll(/\b((?:gateway|nodejs|process)_[a-z0-9_]+)\s*\{([^}]*)\}/g)) {
    for (const m of (selector[2] as string).matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      out.push({ metric: selector[1] as string, label: m[1] as string, op: m[2] as Matcher['op'], value: m[3] as string });
    }
  }
  return out;
}

/** The labels of every `by (...)` / `without (...)` clause. */
export function groupingLabels(expr: string): string[] {
  const out: string[] = [];
  for (const clause of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    out.push(...(clause[1] as string).split(',').map((l) => l.trim()).filter(Boolean));
  }
  return out;
}

/** The argument text of every call of a function, parentheses balanced. */
export function callArguments(expr: string, fn: string): string[] {
  const out: string[] = [];
  const pattern = new RegExp(`\\b${fn}\\s*\\(`, 'g');
  for (const call of expr.matchAll(pattern)) {
    let depth = 1;
    let i = (call.index as number) + call[0].length;
    const start = i;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
    }
    out.push(expr.slice(start, i - 1));
  }
  return out;
}
