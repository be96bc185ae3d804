/**
 * The deployment files, read as a platform team would apply them: the
 * Dockerfile and .dockerignore (every runtime file in the image, nothing of
 * development), the Kubernetes manifests (probes, shutdown timing, secrets,
 * resources, security), and the dashboard and alert rules, whose every metric,
 * label and label value must be one deploy/metrics.md lists, so a renamed
 * metric fails here rather than in an empty panel or a silent alert.
 *
 * Nothing is built or applied: there is no Docker engine or cluster here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { POLICIES } from '../src/cache/entityPolicies';
import { FRONTENDS } from '../src/config/options';
import { SERVICE_NAMES } from '../src/contract/services';
import { SUBSCRIPTION_FIELDS } from '../src/subscriptions/liveHub';
import { POLL_OUTCOMES } from '../src/subscriptions/poller';
import {
  allowedValues,
  callArguments,
  catalogueName,
  execForm,
  groupingLabels,
  inContext,
  listFiles,
  matchers,
  metricNames,
  parseDockerfile,
  parseDockerignore,
  parseMetricCatalogue,
  splitFlags,
  stageCopies,
  stageEnv,
  type Stage,
} from './helpers/deployFiles';

const ROOT = join(__dirname, '..');
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Parsed YAML/JSON, navigated freely: the assertions are the type checks. */
type Json = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

/** Every YAML file under deploy/, each as its documents, with parse errors and warnings kept. */
const YAML = yamlFiles(DEPLOY).map((path) => {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  return {
    file: posix.relative(ROOT, path.split('\\').join('/')),
    problems: list.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message)),
    objects: list.map((d) => d.toJS() as Json).filter((o) => o !== null),
  };
});

const KUBERNETES = YAML.filter((y) => y.file.startsWith('deploy/kubernetes/')).flatMap((y) => y.objects.map((object) => ({ file: y.file, object })));
function kind(name: string): Json {
  const found = KUBERNETES.filter((k) => k.object.kind === name);
  if (found.length !== 1) throw new Error(`expected one ${name} in deploy/kubernetes, found ${found.length}`);
  return (found[0] as { object: Json }).object;
}
const yamlObject = (file: string): Json => {
  const found = YAML.find((y) => y.file === file);
  if (!found || found.objects.length !== 1) throw new Error(`${file}: expected one YAML document`);
  return found.objects[0] as Json;
};

const deployment = kind('Deployment');
const configMap = kind('ConfigMap');
const service = kind('Service');
const pdb = kind('PodDisruptionBudget');
const hpa = kind('HorizontalPodAutoscaler');
const podSpec: Json = deployment.spec.template.spec;
const container: Json = podSpec.containers[0];
const config: Record<string, string> = configMap.data;

/** The container's environment as the kubelet builds it: the ConfigMap (envFrom), then `env`, which wins. */
const containerEnv: Record<string, { value?: string; valueFrom?: Json }> = {
  ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])),
  ...Object.fromEntries((container.env as Json[]).map((e) => [e.name as string, { value: e.value as string | undefined, valueFrom: e.valueFrom as Json | undefined }])),
};
function envNumber(name: string): number {
  const value = containerEnv[name]?.value;
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} must be set to a whole number in the ConfigMap, got ${String(value)}`);
  return Number(value);
}

function quantity(text: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(text));
  if (!match) throw new Error(`not a Kubernetes quantity: ${text}`);
  const factor = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const finalStage = dockerfile.stages[dockerfile.stages.length - 1] as Stage;
const buildStage = dockerfile.stages.find((s) => s.name === 'build') as Stage;
const ignoreRules = parseDockerignore(read('.dockerignore'));
/** The repo's files (what `docker build .` would send, before .dockerignore), minus what is never there. */
const repoFiles = listFiles(ROOT, new Set(['node_modules', '.git', 'dist', 'coverage']));
const contextFiles = repoFiles.filter((f) => inContext(ignoreRules, f));

const catalogue = parseMetricCatalogue(read('deploy/metrics.md'));
const dashboard = JSON.parse(read('deploy/grafana/gateway-dashboard.json')) as Json;
const alerts = yamlObject('deploy/prometheus/alerts.yaml');
const scrape = yamlObject('deploy/prometheus/scrape-config.yaml');
const alertRules: Json[] = (alerts.groups as Json[]).flatMap((g) => g.rules as Json[]);

function dashboardPanels(panels: Json[] = dashboard.panels): Json[] {
  return panels.flatMap((p) => [p, ...dashboardPanels(p.panels ?? [])]);
}
const dashboardExprs = dashboardPanels().flatMap((p) => ((p.targets ?? []) as Json[]).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr as string })));
const variableExprs = (dashboard.templating.list as Json[])
  .filter((v) => v.type === 'query')
  .map((v) => ({ where: `variable $${v.name}`, expr: (typeof v.query === 'string' ? v.query : v.query.query) as string }));
const alertExprs = alertRules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr as string }));
const everyExpr = [...dashboardExprs, ...variableExprs, ...alertExprs];

/** Labels every scraped series has besides its own: Prometheus's and the scrape job's relabelling. */
const scrapeJob: Json = scrape.scrape_configs[0];
const TARGET_LABELS = new Set(['job', 'instance', ...((scrapeJob.relabel_configs as Json[]).map((r) => r.target_label as string | undefined).filter(Boolean) as string[])]);

// ---------------------------------------------------------------------------------------------

describe('deploy/ YAML files', () => {
  it('all parse without errors or warnings', () => {
    expect(YAML.length).toBeGreaterThanOrEqual(8);
    for (const y of YAML) expect({ file: y.file, problems: y.problems }).toEqual({ file: y.file, problems: [] });
  });

  it('deploy/kubernetes holds one object of each expected kind, at the stable API versions, all listed in the kustomization', () => {
    const kinds = KUBERNETES.map((k) => `${k.object.apiVersion} ${k.object.kind}`).sort();
    expect(kinds).toEqual(
      [
        'apps/v1 Deployment',
        'autoscaling/v2 HorizontalPodAutoscaler',
        'kustomize.config.k8s.io/v1beta1 Kustomization',
        'policy/v1 PodDisruptionBudget',
        'v1 ConfigMap',
        'v1 Service',
      ].sort(),
    );
    const kustomization = kind('Kustomization');
    const others = [...new Set(KUBERNETES.filter((k) => k.object.kind !== 'Kustomization').map((k) => posix.basename(k.file)))].sort();
    expect([...(kustomization.resources as string[])].sort()).toEqual(others);
    // The kustomization's image rule applies to the Deployment's image.
    expect((kustomization.images as Json[]).map((i) => i.name)).toContain(String(container.image).split(':')[0]);
  });

  it('the Prometheus files are a rules file and a scrape config', () => {
    expect(alertRules.length).toBeGreaterThan(0);
    for (const rule of alertRules) expect(Object.keys(rule).sort()).toEqual(expect.arrayContaining(['alert', 'expr', 'labels', 'annotations']));
    expect(scrape.scrape_configs).toHaveLength(1);
  });
});

describe('the Deployment', () => {
  const labels = deployment.spec.template.metadata.labels as Record<string, string>;
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('is selected by its Service, PDB and HPA, and leaves the replica count to the HPA', () => {
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    expect(selects(service.spec.selector)).toBe(true);
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
    // One pod at a time may be evicted, and at least one stays even at minReplicas.
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(hpa.spec.minReplicas - pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('serves GraphQL on PORT and /metrics on METRICS_PORT, and the Service exposes only the first', () => {
    const ports = Object.fromEntries((container.ports as Json[]).map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: envNumber('PORT'), metrics: envNumber('METRICS_PORT') });
    expect((service.spec.ports as Json[]).map((p) => p.targetPort)).toEqual(['http']);
    // The scrape job keeps exactly this port and these pods.
    const keep = (scrapeJob.relabel_configs as Json[]).filter((r) => r.action === 'keep');
    expect(keep).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'metrics' }),
        expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: labels['app.kubernetes.io/name'] }),
      ]),
    );
  });

  it('probes readiness on /readyz, liveness and startup on /healthz, on the HTTP port, with timeouts a busy event loop meets', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    // The gateway sheds at 1 s of event-loop delay; a probe must outwait that.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThanOrEqual(2);
    expect(container.livenessProbe.timeoutSeconds).toBeGreaterThanOrEqual(2);
    // Startup gets a minute before liveness can restart the process.
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(60);
  });

  it('never restarts a pod for draining: liveness tolerates more than SHUTDOWN_TIMEOUT_MS without an answer', () => {
    const { periodSeconds, failureThreshold } = container.livenessProbe;
    expect(periodSeconds * failureThreshold).toBeGreaterThan(envNumber('SHUTDOWN_TIMEOUT_MS') / 1000);
    // Readiness is the quicker of the two: traffic leaves a failing pod long before it is restarted.
    expect(container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold).toBeLessThan(periodSeconds * failureThreshold);
  });

  it('delays the shutdown once, in the gateway or in preStop, and the grace period covers delay + drain + a margin', () => {
    const delayMs = envNumber('SHUTDOWN_DELAY_MS');
    const drainMs = envNumber('SHUTDOWN_TIMEOUT_MS');
    const preStop = container.lifecycle?.preStop as Json | undefined;
    const sleepCommand = (preStop?.exec?.command as string[] | undefined)?.join(' ');
    const preStopSeconds = preStop?.sleep ? Number(preStop.sleep.seconds) : sleepCommand ? Number(/\bsleep\s+(\d+)/.exec(sleepCommand)?.[1]) : 0;
    if (preStop) {
      expect(preStopSeconds).toBeGreaterThan(0); // a preStop hook here only ever waits
      expect(delayMs).toBe(0); // ...and then the gateway must not wait again
    } else {
      expect(delayMs).toBeGreaterThanOrEqual(3000); // long enough for kube-proxy and the ingress to drop the endpoint
    }
    const marginSeconds = 5;
    expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + (delayMs + drainMs) / 1000 + marginSeconds);
    // Drain outlasts the request deadline: a request in flight at the cut ends by its own deadline.
    expect(drainMs).toBeGreaterThan(envNumber('REQUEST_TIMEOUT_MS'));
  });

  it('takes REDIS_URL and JWT_SECRET from a Secret (required keys), and no secret from the ConfigMap', () => {
    for (const name of ['REDIS_URL', 'JWT_SECRET']) {
      expect(config[name]).toBeUndefined();
      const ref = containerEnv[name]?.valueFrom?.secretKeyRef as Json | undefined;
      expect({ name, ref }).toEqual({ name, ref: { name: expect.any(String), key: name } });
    }
    // Anything named like a secret is never a literal value.
    for (const [name, entry] of Object.entries(containerEnv)) {
      if (/SECRET|PASSWORD|TOKEN|REDIS_URL/.test(name)) expect({ name, literal: entry.value }).toEqual({ name, literal: undefined });
    }
  });

  it('configures production: NODE_ENV, all six service URLs, enforced trusted documents, string values only', () => {
    for (const [key, value] of Object.entries(config)) expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
    expect(config.NODE_ENV).toBe('production');
    for (const name of SERVICE_NAMES) expect(config[`${name.toUpperCase()}_URL`]).toMatch(/^https?:\/\/[^/\s]+/);
    expect(config.TRUSTED_DOCUMENTS).toBe('enforce');
    expect(config.LOG_FORMAT).toBe('json');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https?:\/\//);
    // Service links could inject <SERVICE>_PORT over settings such as METRICS_PORT.
    expect(podSpec.enableServiceLinks).toBe(false);
  });

  it('sizes memory from GATEWAY_HEAP_MB (RSS ~230-250 MB at 192) and requests CPU for the HPA', () => {
    const heapBytes = envNumber('GATEWAY_HEAP_MB') * 1024 * 1024;
    const { requests, limits } = container.resources as { requests: Json; limits: Json };
    expect(quantity(requests.memory)).toBeGreaterThanOrEqual(250e6); // the measured RSS under load
    expect(quantity(requests.memory)).toBeGreaterThan(heapBytes);
    expect(quantity(limits.memory)).toBeGreaterThanOrEqual(2 * heapBytes);
    expect(quantity(limits.memory)).toBeGreaterThan(quantity(requests.memory));
    expect(quantity(requests.cpu)).toBeGreaterThanOrEqual(0.25);
  });

  it('runs as the image user, non-root, without privileges, on a read-only root filesystem, spread across nodes', () => {
    expect(podSpec.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: expect.any(Number) }));
    expect(podSpec.securityContext.runAsUser).not.toBe(0);
    const user = finalStage.instructions.filter((i) => i.keyword === 'USER').pop()?.args;
    expect(user?.split(':')[0]).toBe(String(podSpec.securityContext.runAsUser));
    expect(container.securityContext).toEqual(
      expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }),
    );
    expect(podSpec.automountServiceAccountToken).toBe(false);
    const spread = (podSpec.topologySpreadConstraints ?? []) as Json[];
    const byNode = spread.find((c) => c.topologyKey === 'kubernetes.io/hostname');
    expect(byNode).toEqual(expect.objectContaining({ maxSkew: 1, labelSelector: { matchLabels: deployment.spec.selector.matchLabels } }));
  });

  it('lets the image run node as PID 1: no command or args override its CMD', () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
  });
});

describe('the Dockerfile', () => {
  const instructions = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
  const runIndex = (stage: Stage, pattern: RegExp) => stage.instructions.findIndex((i) => i.keyword === 'RUN' && pattern.test(i.args));
  const copyIndex = (stage: Stage, source: string) => stage.instructions.findIndex((i) => i.keyword === 'COPY' && !splitFlags(i.args).flags.from && splitFlags(i.args).rest.slice(0, -1).includes(source));

  it('builds in a build stage and runs from node:20-bookworm-slim with production dependencies only', () => {
    expect(dockerfile.stages.map((s) => s.image)).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(buildStage).toBeDefined();
    // build: the lockfile before npm ci (with dev dependencies), the sources before the build.
    const ci = runIndex(buildStage, /\bnpm ci\b/);
    expect(ci).toBeGreaterThan(copyIndex(buildStage, 'package-lock.json'));
    expect(copyIndex(buildStage, 'package-lock.json')).toBeGreaterThanOrEqual(0);
    expect(buildStage.instructions[ci]?.args).not.toMatch(/--omit|--production/);
    const build = runIndex(buildStage, /\bnpm run build\b/);
    expect(build).toBeGreaterThan(ci);
    for (const source of ['src', 'tsconfig.json', 'tsconfig.build.json']) {
      expect({ source, copied: copyIndex(buildStage, source) >= 0 && copyIndex(buildStage, source) < build }).toEqual({ source, copied: true });
    }
    // final: npm ci --omit=dev after the lockfile.
    const prodCi = runIndex(finalStage, /\bnpm ci\b.*--omit=dev/);
    expect(prodCi).toBeGreaterThan(copyIndex(finalStage, 'package-lock.json'));
    expect(copyIndex(finalStage, 'package-lock.json')).toBeGreaterThanOrEqual(0);
  });

  it('copies every file the gateway reads at run time, and nothing else from the context', () => {
    const copies = stageCopies(finalStage, contextFiles);
    expect(copies.unmatched).toEqual([]);
    const underRoot = (prefix: string) => repoFiles.filter((f) => f.startsWith(prefix));
    const runtime = [
      'package.json', // the project root is where package.json is
      'package-lock.json', // for npm ci --omit=dev
      ...underRoot('operations/'),
      ...underRoot('documents/'),
      ...FRONTENDS.map((f) => `clients/${f}/persisted-documents.json`),
      ...repoFiles.filter((f) => /^schema\/[^/]+\.graphql$/.test(f)),
      ...FRONTENDS.flatMap((f) => underRoot(`schema/${f}/`)),
      'src/http/playground/client.js',
      'src/http/playground/waterfall.js',
      'src/http/playground/subscriptions.js',
    ].sort();
    expect(runtime.length).toBeGreaterThan(15);
    // Each at its own path below /app, where projectRoot() finds it.
    expect(copies.fromContext.map((c) => `${c.origin} -> ${c.target}`).sort()).toEqual(runtime.map((f) => `${f} -> /app/${f}`));
  });

  it('takes from the build stage the compiled dist/src only, where CMD runs dist/src/main.js', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as Json;
    expect(tsconfig.compilerOptions).toEqual(expect.objectContaining({ outDir: 'dist', rootDir: '.' }));
    expect(instructions(buildStage, 'WORKDIR').pop()?.args).toBe('/app');
    expect(instructions(finalStage, 'WORKDIR').pop()?.args).toBe('/app');
    const copies = stageCopies(finalStage, contextFiles);
    // Not /app/node_modules (dev dependencies) nor /app/src (TypeScript sources).
    expect(copies.fromStages).toEqual([{ stage: 'build', source: '/app/dist/src', target: '/app/dist/src' }]);
    expect(statSync(join(ROOT, 'src/main.ts')).isFile()).toBe(true);
  });

  it('keeps development files and secrets out of the build context', () => {
    const neverSent = ['.env', 'node_modules/jest/package.json', 'dist/src/main.js', '.git/HEAD', 'test/deploy.test.ts', 'bench/run.ts', 'schema/snapshots/web.graphql', 'schema/approved-changes.json', 'clients/web/gql.ts', 'src/.env', 'deploy/metrics.md', 'profile.cpuprofile', 'coverage/lcov.info'];
    for (const path of neverSent) expect({ path, sent: inContext(ignoreRules, path) }).toEqual({ path, sent: false });
    // Every context file is one a stage copies (the allowlist is no wider than the Dockerfile).
    const copied = new Set([...stageCopies(buildStage, contextFiles).fromContext, ...stageCopies(finalStage, contextFiles).fromContext].map((c) => c.origin));
    expect(contextFiles.filter((f) => !copied.has(f))).toEqual([]);
  });

  it('runs node directly as a non-root user, with the heap flag, SIGTERM as stop signal and production mode', () => {
    expect(stageEnv(finalStage).NODE_ENV).toBe('production');
    const user = instructions(finalStage, 'USER').pop()?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/); // numeric, so that Kubernetes can verify runAsNonRoot
    expect(user.split(':')[0]).not.toBe('0');
    expect(instructions(finalStage, 'STOPSIGNAL').map((i) => i.args)).toEqual(['SIGTERM']);
    expect(instructions(finalStage, 'HEALTHCHECK')).toEqual([]);
    expect(instructions(finalStage, 'ENTRYPOINT')).toEqual([]);
    const cmd = execForm(instructions(finalStage, 'CMD').pop()?.args ?? '');
    expect(cmd).toBeDefined();
    const argv = cmd as string[];
    // Either node itself, or a shell that execs it (to expand GATEWAY_HEAP_MB): node is PID 1 either way.
    const command = argv[0] === '/bin/sh' && argv[1] === '-c' ? (argv[2] as string) : argv.join(' ');
    if (argv[0] === '/bin/sh') expect(command).toMatch(/^exec node /);
    else expect(argv[0]).toBe('node');
    expect(command).not.toMatch(/\bnpm\b/);
    expect(command).toMatch(/--max-old-space-size=\$\{GATEWAY_HEAP_MB:-192\}/);
    expect(command).toMatch(/ dist\/src\/main\.js$/);
  });

  it('exposes the container ports of the Deployment', () => {
    const exposed = instructions(finalStage, 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.split('/')[0]));
    expect(exposed.sort()).toEqual((container.ports as Json[]).map((p) => p.containerPort as number).sort());
  });

  it('installs without scripts only while no production dependency but @apollo/protobufjs has an install script', () => {
    expect(finalStage.instructions[runIndex(finalStage, /\bnpm ci\b/)]?.args).toMatch(/--ignore-scripts/);
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Json> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.dev && p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(withScripts).toEqual(['@apollo/protobufjs']);
  });
});

describe('deploy/metrics.md', () => {
  it('lists every metric once, with its type and labels, and label values only for listed labels', () => {
    expect(catalogue.metrics.size).toBe(30);
    for (const key of catalogue.values.keys()) {
      const [metric, label] = key.split('/') as [string, string];
      expect({ key, labels: catalogue.metrics.get(metric)?.labels.includes(label) }).toEqual({ key, labels: true });
    }
    // Prometheus conventions: counters end in _total; nothing else does (but prom-client's
    // nodejs_active_handles_total gauge), and no name ends like a histogram's series.
    const oddGauges = new Set(['nodejs_active_handles_total']);
    for (const spec of catalogue.metrics.values()) {
      expect({ name: spec.name, total: spec.name.endsWith('_total') }).toEqual({ name: spec.name, total: spec.type === 'counter' || oddGauges.has(spec.name) });
      expect(spec.name).not.toMatch(/_(bucket|sum|count)$/);
    }
  });

  it('names the services, cache families, frontends, subscription fields and poller outcomes the code has', () => {
    const rows = (label: string) => [...catalogue.values.entries()].filter(([key]) => key.endsWith(`/${label}`));
    for (const label of ['service', 'frontend']) {
      // every metric with that label has its values listed, and they are the code's
      const withLabel = [...catalogue.metrics.values()].filter((m) => m.labels.includes(label)).map((m) => `${m.name}/${label}`);
      expect(rows(label).map(([key]) => key).sort()).toEqual(withLabel.sort());
      for (const [key, values] of rows(label)) expect({ key, values }).toEqual({ key, values: [...(label === 'service' ? SERVICE_NAMES : FRONTENDS)] });
    }
    expect([...(catalogue.values.get('gateway_cache_lookups_total/family') ?? [])].sort()).toEqual(Object.keys(POLICIES).sort());
    for (const metric of ['gateway_subscriptions_active', 'gateway_subscription_events_total', 'gateway_subscription_events_dropped_total']) {
      expect({ metric, fields: catalogue.values.get(`${metric}/field`) }).toEqual({ metric, fields: [...SUBSCRIPTION_FIELDS] });
    }
    expect(catalogue.values.get('gateway_stock_poller_runs_total/outcome')).toEqual([...POLL_OUTCOMES]);
  });
});

describe('the dashboard and the alert rules', () => {

  it('name only metrics of deploy/metrics.md (histogram series as <name>_bucket/_sum/_count)', () => {
    const unknown = everyExpr.flatMap(({ where, expr }) => metricNames(expr).filter((m) => !catalogueName(m, catalogue)).map((m) => `${where}: ${m}`));
    expect(unknown).toEqual([]);
    expect(everyExpr.every(({ expr }) => typeof expr === 'string' && expr.trim() !== '')).toBe(true);
  });

  it('match and group only by labels those metrics have, or the scrape target labels', () => {
    const problems: string[] = [];
    for (const { where, expr } of everyExpr) {
      const names = metricNames(expr).map((m) => catalogueName(m, catalogue) as string);
      const usesBuckets = /_bucket\b/.test(expr);
      for (const m of matchers(expr)) {
        const base = catalogueName(m.metric, catalogue);
        const labels = new Set([...(base ? catalogue.metrics.get(base)?.labels ?? [] : []), ...TARGET_LABELS, ...(m.metric.endsWith('_bucket') ? ['le'] : [])]);
        if (!labels.has(m.label)) problems.push(`${where}: ${m.metric} has no label ${m.label}`);
      }
      const inExpr = new Set([...names.flatMap((n) => catalogue.metrics.get(n)?.labels ?? []), ...TARGET_LABELS, ...(usesBuckets ? ['le'] : [])]);
      for (const label of groupingLabels(expr)) if (!inExpr.has(label)) problems.push(`${where}: grouped by ${label}, which none of ${names.join(', ')} has`);
    }
    expect(problems).toEqual([]);
  });

  it('match label values that the metrics take', () => {
    const problems: string[] = [];
    for (const { where, expr } of everyExpr) {
      for (const m of matchers(expr)) {
        const base = catalogueName(m.metric, catalogue);
        const allowed = base ? allowedValues(catalogue, base, m.label) : undefined;
        if (!allowed || m.value.includes('$')) continue;
        const alternatives = m.op === '=~' || m.op === '!~' ? m.value.split('|') : [m.value];
        for (const alternative of alternatives) {
          const matches = m.op === '=' || m.op === '!=' ? allowed.includes(alternative) : allowed.some((v) => new RegExp(`^(?:${alternative})$`).test(v));
          if (!matches) problems.push(`${where}: ${m.metric}{${m.label}${m.op}"${m.value}"}: "${alternative}" is no value of ${m.label}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('take quantiles over _bucket series grouped by le', () => {
    const quantiles = everyExpr.flatMap(({ where, expr }) => callArguments(expr, 'histogram_quantile').map((args) => ({ where, args })));
    expect(quantiles.length).toBeGreaterThanOrEqual(5);
    for (const { where, args } of quantiles) {
      expect({ where, bucket: /_bucket\b/.test(args), le: groupingLabels(args).includes('le') }).toEqual({ where, bucket: true, le: true });
    }
  });
});

describe('the dashboard', () => {
  const panels = dashboardPanels().filter((p) => p.type !== 'row');

  it('shows every gateway series of the list', () => {
    const used = new Set(dashboardExprs.flatMap(({ expr }) => metricNames(expr).map((m) => catalogueName(m, catalogue))));
    const missing = [...catalogue.metrics.keys()].filter((m) => !used.has(m));
    expect(missing).toEqual([]);
  });

  it('takes its data source from DS_PROMETHEUS, an import input and a data-source variable', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(dashboard.templating.list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' })]));
    const ds = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
    for (const p of panels) {
      expect({ panel: p.title, ds: p.datasource }).toEqual({ panel: p.title, ds });
      for (const t of p.targets as Json[]) expect({ panel: p.title, ds: t.datasource }).toEqual({ panel: p.title, ds });
    }
    for (const v of dashboard.templating.list as Json[]) if (v.type === 'query') expect(v.datasource).toEqual(ds);
  });

  it('has unique panel ids, a layout within 24 columns, and defines every variable its queries use', () => {
    const ids = dashboardPanels().map((p) => p.id as number);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboardPanels()) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    const defined = new Set([...(dashboard.templating.list as Json[]).map((v) => v.name as string), '__rate_interval', '__interval', '__range']);
    const used = [...new Set(everyExpr.flatMap(({ expr }) => [...expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1] as string)))];
    expect(used.filter((v) => !defined.has(v))).toEqual([]);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  it('covers requests, errors, latency, in-flight, downstream, circuits, cache, Redis, rejections, event loop, GC, memory and CPU', () => {
    const titles = panels.map((p) => String(p.title).toLowerCase()).join('\n');
    for (const word of ['requests by frontend', 'requests by operation', 'error ratio', 'p99', 'in flight', 'downstream calls', 'downstream call duration', 'circuit', 'hit ratio', 'redis', 'rejections by reason', 'event-loop', 'gc', 'memory', 'cpu']) {
      expect({ word, shown: titles.includes(word) }).toEqual({ word, shown: true });
    }
  });
});

describe('the alert rules', () => {
  const rule = (name: string) => alertRules.find((r) => r.alert === name) as Json;

  it('each have a severity and a summary and description', () => {
    const names = alertRules.map((r) => r.alert as string);
    expect(new Set(names).size).toBe(names.length);
    for (const r of alertRules) {
      expect({ alert: r.alert, severity: ['critical', 'warning', 'info'].includes(r.labels?.severity) }).toEqual({ alert: r.alert, severity: true });
      expect({ alert: r.alert, summary: typeof r.annotations?.summary, description: typeof r.annotations?.description }).toEqual({ alert: r.alert, summary: 'string', description: 'string' });
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
    }
  });

  it('alert on 5xx over 1 % for 5 min, p99 over 1 s for 10 min, a circuit open 2 min, load shedding, the Redis breaker, an instance not ready', () => {
    expect(rule('GatewayHighErrorRatio')).toEqual(expect.objectContaining({ for: '5m' }));
    expect(rule('GatewayHighErrorRatio').expr).toMatch(/status=~"5\.\."[\s\S]*\/[\s\S]*gateway_requests_total[\s\S]*> 0\.01/);
    expect(rule('GatewayHighLatencyP99')).toEqual(expect.objectContaining({ for: '10m' }));
    expect(rule('GatewayHighLatencyP99').expr).toMatch(/histogram_quantile\(0\.99,[\s\S]*gateway_request_duration_seconds_bucket[\s\S]*\) > 1\b/);
    expect(rule('GatewayCircuitOpen')).toEqual(expect.objectContaining({ for: '2m' }));
    expect(rule('GatewayCircuitOpen').expr).toMatch(/gateway_circuit_open/);
    expect(rule('GatewayLoadShedding').expr).toMatch(/gateway_rejections_total\{reason="overloaded"\}\[5m\]\)\) > 0/);
    expect(rule('GatewayRedisBreakerOpen').expr).toMatch(/gateway_redis_breaker_open/);
    expect(rule('GatewayInstanceNotReady').expr).toMatch(/kube_pod_status_ready\{condition="true"/);
  });

  it('select the generic series by the scrape job of scrape-config.yaml', () => {
    for (const { where, expr } of alertExprs) {
      const generic = /\b(?:nodejs|process)_|\bup\{/.test(expr);
      const jobs = [...expr.matchAll(/job="([^"]+)"/g)].map((m) => m[1]);
      if (generic) expect({ where, jobs: [...new Set(jobs)] }).toEqual({ where, jobs: [scrapeJob.job_name] });
    }
  });

  it('warn on memory below the container limit', () => {
    const threshold = /> (\d+) \* 1024 \* 1024/.exec(rule('GatewayMemoryNearLimit').expr)?.[1];
    const limitBytes = quantity(container.resources.limits.memory);
    expect(Number(threshold) * 1024 * 1024).toBeLessThan(limitBytes);
    expect(Number(threshold) * 1024 * 1024).toBeGreaterThan(0.8 * limitBytes);
  });
});

describe('README', () => {
  it('documents every setting the deployment sets', () => {
    const readme = read('README.md');
    const downwardApi = new Set(['POD_NAME', 'POD_NAMESPACE', 'NODE_NAME']);
    const names = Object.keys(containerEnv).filter((n) => !downwardApi.has(n));
    expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });
});
