// The operator dashboard (docs/operations.md "Dashboard"). The page holds no data: it
// polls GET /v1/admin/dashboard once a second with the operator's admin key, which it
// keeps in sessionStorage (this tab only) and sends only as an Authorization header,
// never in a URL. A refused key is forgotten and nothing is shown.
'use strict';

(function () {
  const KEY_NAME = 'deliverer.adminKey';
  const POLL_MS = 1000;
  const WINDOW_S = 900;
  const KINDS = ['accepted', 'sent', 'delivered', 'failed', 'expired'];
  const COLORS = { accepted: '#3b6fd8', sent: '#7a4fd1', delivered: '#1b7f3b', failed: '#b3261e', expired: '#9a6700' };

  const $ = (id) => document.getElementById(id);
  let timer = null;
  let chart = null;
  let lastT = 0;              // the newest point held, so a poll asks only for newer ones
  const points = {};          // kind → [{x: unix ms, y: per second}]

  function storedKey() { return sessionStorage.getItem(KEY_NAME); }

  function showLogin(message) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    sessionStorage.removeItem(KEY_NAME);
    $('board').hidden = true;
    clearBoard();
    $('login').hidden = false;
    $('logout').hidden = true;
    $('login-error').textContent = message || '';
    $('status').textContent = 'not connected';
  }

  function clearBoard() {
    lastT = 0;
    for (const kind of KINDS) points[kind] = [];
    for (const id of ['carriers', 'canaries', 'failures', 'readiness']) $(id).replaceChildren();
    if (chart) chart.update('none');
  }

  function start(key) {
    sessionStorage.setItem(KEY_NAME, key);
    $('login').hidden = true;
    $('logout').hidden = false;
    $('login-error').textContent = '';
    $('status').textContent = 'connecting…';
    poll();
  }

  async function poll() {
    timer = null;
    const key = storedKey();
    if (!key) return showLogin();
    let response;
    try {
      response = await fetch('/v1/admin/dashboard?since=' + lastT, {
        headers: { Authorization: 'Bearer ' + key }, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      $('status').textContent = 'gateway unreachable, retrying';
      timer = setTimeout(poll, POLL_MS);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      const problem = await response.json().catch(() => ({}));
      return showLogin(response.status === 403
        ? 'This key is not an admin key (403 ' + (problem.code || 'forbidden') + ').'
        : 'This key was refused (401 ' + (problem.code || 'unauthenticated') + ').');
    }
    if (response.ok) {
      render(await response.json());
      $('status').textContent = 'live · updated ' + new Date().toLocaleTimeString();
    } else {
      $('status').textContent = 'gateway answered ' + response.status + ', retrying';
    }
    if (storedKey()) timer = setTimeout(poll, POLL_MS);
  }

  function render(data) {
    $('board').hidden = false;
    renderSeries(data.series);
    $('queue-depth').textContent = data.queue_depth;
    // null from a process that does not deliver (--role api): it holds no queue.
    $('queue-oldest-age').textContent = age(data.queue_oldest_age_s);
    const w = data.webhooks;
    $('webhooks-queued').textContent = w.queued;
    $('webhooks-posting').textContent = w.posting;
    $('webhooks-delivered').textContent = w.delivered;
    $('webhooks-failed').textContent = w.failed;
    $('webhooks-given-up').textContent = w.given_up;
    renderLatency(data.latency);
    renderReadiness(data.readiness);
    renderCarriers(data.carriers);
    renderCanaries(data.canaries || []);
    renderFailures(data.failures, data.carrier_errors);
  }

  function renderSeries(series) {
    for (let i = 0; i < series.t.length; i++) {
      for (const kind of KINDS) points[kind].push({ x: series.t[i], y: series[kind][i] });
    }
    if (series.t.length > 0) lastT = series.t[series.t.length - 1];
    const oldest = lastT - WINDOW_S * 1000;
    for (const kind of KINDS) {
      while (points[kind].length > 0 && points[kind][0].x <= oldest) points[kind].shift();
      // The tile shows the last 10 seconds' average, steadier than one second's count.
      const recent = points[kind].slice(-10);
      const mean = recent.length ? recent.reduce((s, p) => s + p.y, 0) / recent.length : 0;
      $('rate-' + kind).textContent = mean.toFixed(1);
    }
    drawChart();
  }

  function drawChart() {
    if (!window.Chart) return;
    if (!chart) {
      chart = new Chart($('throughput'), {
        type: 'line',
        data: { datasets: KINDS.map((kind) => ({
          label: kind, data: points[kind], borderColor: COLORS[kind], backgroundColor: COLORS[kind],
          pointRadius: 0, borderWidth: 1.5, tension: 0.2 })) },
        options: {
          animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          scales: {
            x: { type: 'linear', ticks: { callback: (v) => new Date(v).toLocaleTimeString() } },
            y: { beginAtZero: true, title: { display: true, text: 'per second' } } },
          plugins: { legend: { position: 'bottom' } } } });
    }
    chart.options.scales.x.min = lastT - WINDOW_S * 1000;
    chart.options.scales.x.max = lastT;
    chart.update('none');
  }

  function seconds(s) {
    if (s === null || s === undefined) return '–';
    return s < 1 ? (s * 1000).toFixed(1) + ' ms' : s.toFixed(2) + ' s';
  }

  // The age of the oldest message waiting for a carrier: seconds, then minutes, then hours.
  function age(s) {
    if (s === null || s === undefined) return '–';
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.floor(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function renderLatency(latency) {
    $('latency-window').textContent = 'last ' + Math.round(latency.window_s / 60) + ' minutes';
    $('submit-p50').textContent = seconds(latency.submit.p50_s);
    $('submit-p99').textContent = seconds(latency.submit.p99_s);
    $('delivery-p50').textContent = seconds(latency.delivery.p50_s);
    $('delivery-p99').textContent = seconds(latency.delivery.p99_s);
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    tr.append(...cells);
    return tr;
  }

  function percent(ratio) { return ratio === null || ratio === undefined ? '–' : (ratio * 100).toFixed(1) + ' %'; }
  function tps(value) { return value === 0 ? 'unlimited' : String(value); }

  function renderReadiness(readiness) {
    const items = [['status', readiness.status]];
    for (const [name, state] of Object.entries(readiness.checks)) items.push([name, state]);
    if (readiness.storage_error) items.push(['storage error', readiness.storage_error]);
    const nodes = [];
    for (const [name, state] of items) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = state;
      dd.className = state;
      nodes.push(dt, dd);
    }
    $('readiness').replaceChildren(...nodes);
  }

  function renderCarriers(carriers) {
    $('carriers').replaceChildren(...carriers.map((c) => {
      const tr = row([cell(c.id, 'carrier-id'),
        cell(c.binds_up + '/' + c.binds, c.binds_up > 0 ? 'binds ok' : 'binds down'),
        cell(c.circuit, 'circuit ' + c.circuit), cell(tps(c.tps_limit)), cell(tps(c.tps_current)),
        cell(c.in_flight), cell(percent(c.submit_error_rate)), cell(percent(c.delivery_ratio))]);
      tr.dataset.carrier = c.id;
      return tr;
    }));
  }

  // One row per arm; the state is the roll-out's (a halted one sends nothing to its canary).
  function renderCanaries(canaries) {
    const rows = [];
    for (const c of canaries) {
      for (const arm of ['canary', 'control']) {
        const a = c.arms[arm];
        const state = c.halted ? 'halted' : 'running';
        const tr = row([cell(c.flag, 'canary-flag'), cell(arm), cell(state, state),
          cell(a.submits), cell(percent(a.submit_error_ratio)), cell(a.ended), cell(percent(a.delivery_ratio))]);
        tr.dataset.flag = c.flag;
        tr.dataset.arm = arm;
        rows.push(tr);
      }
    }
    $('canaries').replaceChildren(...rows);
  }

  function renderFailures(failures, carrierErrors) {
    const rows = [];
    const add = (kind, f, code) => {
      const tr = row([cell(kind), cell(f.carrier || '–'), cell(code, 'code'), cell(f.count),
        cell(new Date(f.last_seen_ms).toLocaleTimeString())]);
      tr.dataset.code = code;
      rows.push([f.last_seen_ms, tr]);
    };
    for (const f of carrierErrors) add('carrier error', f, f.code);
    for (const f of failures) add('message failed', f, f.reason);
    rows.sort((a, b) => b[0] - a[0]);
    $('failures').replaceChildren(...rows.map((r) => r[1]));
  }

  document.addEventListener('DOMContentLoaded', () => {
    clearBoard();
    $('login').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('key').value.trim();
      $('key').value = '';
      if (key) start(key);
    });
    $('logout').addEventListener('click', () => showLogin());
    if (storedKey()) start(storedKey()); else showLogin();
  });
})();
