#!/usr/bin/env node
// Checks Kubernetes manifests the way an operator's `kubectl apply` would start to:
//   1. every document against the Kubernetes API's own schemas (kubernetes-models: JSON
//      schema validators generated from the upstream OpenAPI specification);
//   2. what the schemas cannot see but the gateway relies on (`Consistency` below): what
//      selects what, the probes' endpoints, the metric the autoscaler reads, the drain
//      time, and the deliverer.toml of each ConfigMap checked by `deliverer config check`.
//
//   validate_manifests.js --modules DIR [--deliverer BIN] [--catalog FILE] [--prove-it-fails] FILE...
//
// DIR holds the node_modules that scripts/install-deps installed from package-lock.json.
// --prove-it-fails: also breaks copies of the documents on purpose and expects each to be
// refused; a checker that refuses nothing fails. Exit 0 when all holds, 1 otherwise, 2 for
// bad arguments or a missing validator.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');
const { spawnSync } = require('child_process');

function parseArgs(argv) {
  const args = { files: [], proveItFails: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--modules') args.modules = argv[++i];
    else if (a === '--deliverer') args.deliverer = argv[++i];
    else if (a === '--catalog') args.catalog = argv[++i];
    else if (a === '--prove-it-fails') args.proveItFails = true;
    else args.files.push(a);
  }
  return args;
}

function loadModules(dir) {
  if (!dir || !fs.existsSync(path.join(dir, '.installed'))) {
    console.error(`the manifest validator is not installed in ${dir}: run scripts/install-deps ` +
                  '(it needs the npm registry)');
    process.exit(2);
  }
  const req = createRequire(path.join(dir, 'package.json'));
  return { yaml: req('yaml'), req };
}

// ---------------------------------------------------------------------------------------
// Documents

// Every document of every file, with where it came from.
function readDocuments(yaml, files) {
  const docs = [];
  const problems = [];
  for (const file of files) {
    const parsed = yaml.parseAllDocuments(fs.readFileSync(file, 'utf8'), { prettyErrors: true });
    parsed.forEach((doc, i) => {
      for (const e of doc.errors) problems.push(`${file}: YAML: ${e.message}`);
      const object = doc.toJS();
      if (object !== null && object !== undefined) docs.push({ file, index: i, object });
    });
  }
  return { docs, problems };
}

function where(doc) {
  const o = doc.object || {};
  const name = o.metadata && o.metadata.name ? o.metadata.name : '(no name)';
  return `${doc.file}: ${o.kind || '(no kind)'} ${name}`;
}

// ---------------------------------------------------------------------------------------
// 1. The schemas

// apiVersion "v1" → kubernetes-models/v1/Kind; "apps/v1" → kubernetes-models/apps/v1/Kind.
function modelOf(req, object) {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return null;
  if (!/^[A-Za-z0-9.\/-]+$/.test(object.apiVersion) || !/^[A-Za-z]+$/.test(object.kind)) return null;
  try {
    return req(`kubernetes-models/${object.apiVersion}/${object.kind}`)[object.kind] || null;
  } catch (e) {
    return null;
  }
}

function schemaProblems(req, doc) {
  const Model = modelOf(req, doc.object);
  if (!Model) {
    return [`${where(doc)}: no Kubernetes schema for apiVersion ${doc.object.apiVersion} kind ${doc.object.kind}`];
  }
  try {
    new Model(doc.object).validate();
    return [];
  } catch (e) {
    const details = (e.errors || []).map((x) => `${x.instancePath || '/'} ${x.message}`);
    return [`${where(doc)}: ${details.length ? details.join('; ') : e.message}`];
  }
}

// ---------------------------------------------------------------------------------------
// 2. Consistency

const WORKLOADS = ['Deployment', 'StatefulSet'];
const ROLES = ['all', 'api', 'worker'];
// What serve may take to stop after SIGTERM (docs/operations.md "Graceful stop and its
// time"): HTTP requests in flight get 10 s (server/server.cc Drainer); a process that
// delivers then gives submits [delivery] drain_timeout_s, an unbind 5 s, the outcomes'
// writes 2 s and the webhook POSTs under way their 10 s timeout.
const HTTP_DRAIN_S = 10;
const DELIVERY_FIXED_S = 5 + 2 + 10;
const DEFAULT_DRAIN_TIMEOUT_S = 10;

function matches(selector, labels) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels && labels[k] === v);
}

function podsOf(docs) {
  return docs.filter((d) => WORKLOADS.includes(d.object.kind)).map((d) => ({
    doc: d,
    name: d.object.metadata.name,
    kind: d.object.kind,
    labels: (((d.object.spec || {}).template || {}).metadata || {}).labels || {},
    spec: ((d.object.spec || {}).template || {}).spec || {},
  }));
}

function tomlOf(docs, configMapName) {
  const cm = docs.find((d) => d.object.kind === 'ConfigMap' && d.object.metadata.name === configMapName);
  return cm && cm.object.data ? cm.object.data['deliverer.toml'] : undefined;
}

// The [delivery] drain_timeout_s a deliverer.toml sets, or the default.
function drainTimeoutS(toml) {
  const section = /^\[delivery\][^\[]*/m.exec(toml || '');
  const m = section && /^\s*drain_timeout_s\s*=\s*(\d+)/m.exec(section[0]);
  return m ? Number(m[1]) : DEFAULT_DRAIN_TIMEOUT_S;
}

function roleOf(container) {
  const args = [...(container.command || []), ...(container.args || [])];
  const serve = args.indexOf('serve');
  if (serve < 0) return null;
  const role = args.indexOf('--role');
  return role < 0 ? 'all' : args[role + 1];
}

function preStopSleepS(container) {
  const hook = ((container.lifecycle || {}).preStop) || {};
  if (hook.sleep) return Number(hook.sleep.seconds) || 0;
  const command = (hook.exec || {}).command || [];
  return command[0] === 'sleep' ? Number(command[1]) || 0 : 0;
}

function probePath(probe) {
  return probe && probe.httpGet ? probe.httpGet.path : undefined;
}

function gatewayProblems(pod, docs) {
  const problems = [];
  const at = where(pod.doc);
  const gateway = (pod.spec.containers || []).find((c) => roleOf(c) !== null);
  if (!gateway) return [`${at}: no container runs \`deliverer serve\``];
  const role = roleOf(gateway);
  if (!ROLES.includes(role)) problems.push(`${at}: --role ${role} is not one of ${ROLES.join(', ')}`);
  if (probePath(gateway.livenessProbe) !== '/healthz') problems.push(`${at}: the liveness probe must GET /healthz`);
  if (probePath(gateway.readinessProbe) !== '/readyz') problems.push(`${at}: the readiness probe must GET /readyz`);
  const ports = (gateway.ports || []).flatMap((p) => [p.name, p.containerPort]);
  for (const probe of [gateway.livenessProbe, gateway.readinessProbe, gateway.startupProbe]) {
    if (probe && probe.httpGet && !ports.includes(probe.httpGet.port)) {
      problems.push(`${at}: a probe uses port ${probe.httpGet.port}, which the container does not declare`);
    }
  }
  const configMaps = (pod.spec.volumes || []).filter((v) => v.configMap).map((v) => v.configMap.name);
  for (const name of configMaps) {
    if (!docs.some((d) => d.object.kind === 'ConfigMap' && d.object.metadata.name === name)) {
      problems.push(`${at}: mounts ConfigMap ${name}, which these files do not define`);
    }
  }
  const toml = configMaps.map((n) => tomlOf(docs, n)).find((t) => t !== undefined);
  const listen = /^\s*listen\s*=\s*"[^"]*:(\d+)"/m.exec(toml || '');
  if (listen && !ports.includes(Number(listen[1]))) {
    problems.push(`${at}: deliverer.toml listens on ${listen[1]}, which the container does not declare`);
  }
  const delivers = role !== 'api';
  const needed = preStopSleepS(gateway) + HTTP_DRAIN_S + (delivers ? drainTimeoutS(toml) + DELIVERY_FIXED_S : 0);
  const grace = pod.spec.terminationGracePeriodSeconds === undefined ? 30 : pod.spec.terminationGracePeriodSeconds;
  if (grace < needed) {
    problems.push(`${at}: terminationGracePeriodSeconds ${grace} is shorter than the preStop sleep and ` +
                  `serve's drain (${needed} s for --role ${role})`);
  }
  return problems;
}

function selectorProblems(docs, pods) {
  const problems = [];
  for (const d of docs) {
    const o = d.object;
    if (o.kind === 'Service' && !pods.some((p) => matches((o.spec || {}).selector, p.labels))) {
      problems.push(`${where(d)}: its selector matches no pod of these files`);
    }
    if (o.kind === 'PodDisruptionBudget' &&
        !pods.some((p) => matches(((o.spec || {}).selector || {}).matchLabels, p.labels))) {
      problems.push(`${where(d)}: its selector matches no pod of these files`);
    }
    if (WORKLOADS.includes(o.kind)) {
      const own = pods.find((p) => p.doc === d);
      if (!matches(((o.spec || {}).selector || {}).matchLabels, own.labels)) {
        problems.push(`${where(d)}: spec.selector does not match its own pod template`);
      }
    }
  }
  return problems;
}

// The metrics the gateway declares (src/server/metrics_catalog.cc), and the names the
// Prometheus adapter's rules expose for them.
function catalogMetrics(file) {
  if (!file) return null;
  const names = new Set();
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/Declare\w+\("(deliverer_[a-z_]+)"/g)) names.add(m[1]);
  return names;
}

function adapterExternalMetrics(yaml, docs) {
  const exposed = new Map();  // name the HPA asks for → the series it is computed from
  for (const d of docs) {
    if (d.object.kind !== 'ConfigMap' || !d.object.data || !d.object.data['config.yaml']) continue;
    const config = yaml.parse(d.object.data['config.yaml']) || {};
    for (const rule of config.externalRules || []) {
      const series = /^\s*([a-z_:]+)/.exec(rule.seriesQuery || '');
      const as = (rule.name || {}).as;
      if (series && as) exposed.set(as, series[1]);
    }
  }
  return exposed;
}

function autoscalerProblems(yaml, docs, catalog) {
  const problems = [];
  const exposed = adapterExternalMetrics(yaml, docs);
  for (const d of docs.filter((x) => x.object.kind === 'HorizontalPodAutoscaler')) {
    const target = d.object.spec.scaleTargetRef || {};
    if (!docs.some((x) => x.object.kind === target.kind && x.object.metadata.name === target.name)) {
      problems.push(`${where(d)}: scales ${target.kind} ${target.name}, which these files do not define`);
    }
    for (const metric of d.object.spec.metrics || []) {
      if (metric.type !== 'External') continue;
      const name = metric.external.metric.name;
      const series = exposed.get(name);
      if (!series) {
        problems.push(`${where(d)}: no Prometheus adapter rule of these files exposes external metric ${name}`);
      } else if (catalog && !catalog.has(series)) {
        problems.push(`${where(d)}: ${name} is computed from ${series}, which the gateway does not export`);
      }
    }
  }
  return problems;
}

// A stand-in for a Secret's value, in the form the variable's name says it holds.
function placeholderFor(name) {
  const secret = 'x'.repeat(32);
  if (/RABBITMQ|AMQP/.test(name)) return `amqp://deliverer:${secret}@rabbitmq:5672/`;
  if (/REDIS/.test(name)) return `redis://:${secret}@redis:6379/0`;
  if (/POSTGRES/.test(name)) return `postgresql://deliverer:${secret}@postgres:5432/deliverer`;
  return 'placeholder-' + secret;
}

// Each deliverer.toml through the real `deliverer config check`, every *_env variable it
// names set to a placeholder, as the Secrets would set them.
function configProblems(docs, deliverer) {
  if (!deliverer) return [];
  const problems = [];
  for (const d of docs.filter((x) => x.object.kind === 'ConfigMap' && x.object.data)) {
    const toml = d.object.data['deliverer.toml'];
    if (toml === undefined) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deliverer-manifest-'));
    const file = path.join(dir, 'deliverer.toml');
    fs.writeFileSync(file, toml);
    const env = { ...process.env };
    for (const m of toml.matchAll(/_env\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"/g)) {
      env[m[1]] = placeholderFor(m[1]);
    }
    const run = spawnSync(deliverer, ['config', 'check', '--config', file], { env, encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    if (run.status !== 0) {
      problems.push(`${where(d)}: deliverer config check exit ${run.status}: ${(run.stderr || run.stdout).trim()}`);
    }
  }
  return problems;
}

function consistencyProblems(yaml, docs, options) {
  const pods = podsOf(docs);
  return [
    ...pods.flatMap((p) => gatewayProblems(p, docs)),
    ...selectorProblems(docs, pods),
    ...autoscalerProblems(yaml, docs, options.catalog),
    ...configProblems(docs, options.deliverer),
  ];
}

function check(modules, docs, options) {
  return [...docs.flatMap((d) => schemaProblems(modules.req, d)), ...consistencyProblems(modules.yaml, docs, options)];
}

// ---------------------------------------------------------------------------------------
// --prove-it-fails: copies broken on purpose, each of which must be refused.

function firstOf(docs, kind) {
  return docs.find((d) => d.object.kind === kind);
}

function gatewayContainer(doc) {
  return doc.object.spec.template.spec.containers.find((c) => roleOf(c) !== null);
}

// [what, the kind of document broken, how, what the refusal must name, which documents apply]
const MUTATIONS = [
  ['replicas as a string (schema: type)', 'Deployment', (d) => { d.object.spec.replicas = 'two'; },
    '/spec/replicas must be integer'],
  ['no containers (schema: required)', 'Deployment', (d) => { delete d.object.spec.template.spec.containers; },
    'required property containers'],
  ['a containerPort that is not a number (schema: type)', 'Deployment',
    (d) => { gatewayContainer(d).ports[0].containerPort = 'http'; }, 'containerPort must be integer'],
  ['a probe without a port (schema: required)', 'Deployment',
    (d) => { delete gatewayContainer(d).livenessProbe.httpGet.port; }, 'required property port'],
  ['a misspelt kind', 'Service', (d) => { d.object.kind = 'Servcie'; }, 'no Kubernetes schema'],
  ['an HPA without scaleTargetRef (schema: required)', 'HorizontalPodAutoscaler',
    (d) => { delete d.object.spec.scaleTargetRef; }, 'required property scaleTargetRef'],
  ['a PDB whose maxUnavailable is an object (schema: int-or-string)', 'PodDisruptionBudget',
    (d) => { d.object.spec.maxUnavailable = { pods: 1 }; }, '/spec/maxUnavailable'],
  ['a role serve does not know', 'Deployment', (d) => {
    const c = gatewayContainer(d);
    c.args = c.args.map((a) => (ROLES.includes(a) ? 'everything' : a));
  }, '--role everything'],
  ['liveness on /readyz', 'Deployment', (d) => { gatewayContainer(d).livenessProbe.httpGet.path = '/readyz'; },
    'liveness probe must GET /healthz'],
  ['a Service selecting nothing', 'Service', (d) => { d.object.spec.selector = { app: 'nothing' }; },
    'matches no pod'],
  ['a grace period shorter than the drain', 'Deployment',
    (d) => { d.object.spec.template.spec.terminationGracePeriodSeconds = 5; }, 'terminationGracePeriodSeconds 5'],
  ['an autoscaler metric the gateway does not export', 'ConfigMap', (d) => {
    d.object.data['config.yaml'] = d.object.data['config.yaml'].replace(/seriesQuery: '[a-z_]+/, "seriesQuery: 'deliverer_queue_size");
  }, 'deliverer_queue_size, which the gateway does not export', (d) => !!(d.object.data || {})['config.yaml']],
  ['a deliverer.toml key that does not exist', 'ConfigMap', (d) => {
    d.object.data['deliverer.toml'] = d.object.data['deliverer.toml'].replace('[delivery]', '[delivery]\nmax_attempt = 3');
  }, "unknown key 'max_attempt'",
  (d) => ((d.object.data || {})['deliverer.toml'] || '').includes('[delivery]')],
];

function proveItFails(modules, docs, options) {
  const failures = [];
  let tried = 0;
  for (const [what, kind, mutate, expected, applies] of MUTATIONS) {
    const target = docs.find((d) => d.object.kind === kind && (!applies || applies(d)));
    if (!target) continue;
    if (what.includes('toml') && !options.deliverer) continue;
    if (what.includes('metric') && !options.catalog) continue;
    const copy = docs.map((d) => (d === target ? { ...d, object: structuredClone(d.object) } : d));
    mutate(copy.find((d) => d.file === target.file && d.index === target.index));
    tried++;
    const problems = check(modules, copy, options);
    const named = problems.find((p) => p.includes(expected));
    if (!named) {
      failures.push(`not refused for what it is: ${what} (${where(target)}); expected "${expected}", got: ` +
                    (problems.length ? problems.join(' | ') : 'nothing'));
    } else {
      console.log(`refused as expected: ${what}: ${named}`);
    }
  }
  if (tried < MUTATIONS.length - 2) failures.push(`only ${tried} broken copies could be made from these files`);
  return failures;
}

// ---------------------------------------------------------------------------------------

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.files.length === 0) {
    console.error('usage: validate_manifests.js --modules DIR [--deliverer BIN] [--catalog FILE] [--prove-it-fails] FILE...');
    process.exit(2);
  }
  const modules = loadModules(args.modules);
  const { docs, problems: parse } = readDocuments(modules.yaml, args.files);
  const options = { deliverer: args.deliverer, catalog: catalogMetrics(args.catalog) };
  const problems = [...parse, ...(docs.length === 0 ? ['no documents in the files given'] : []),
                    ...check(modules, docs, options)];
  if (problems.length === 0 && args.proveItFails) problems.push(...proveItFails(modules, docs, options));
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log(`${docs.length} documents in ${args.files.length} files: valid`);
}

main();
