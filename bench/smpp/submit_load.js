#!/usr/bin/env node
// SMPP ingress load on an independent client library (node-smpp, the one the interop test
// uses): BINDS transmitter binds, each keeping WINDOW submit_sm unanswered, for SECONDS.
// Prints one JSON line: submit_sm_resp answers a second, how many were OK, their
// statuses, and the answer time's p50 and p99 in milliseconds.
//
//   submit_load.js --modules DIR --port PORT --system-id ID --password PW
//                  [--binds 8] [--window 32] [--seconds 10]
//
// DIR holds the node_modules that scripts/install-deps installed (install-deps
// --smpp-client-dir). Against `deliverer sim`, whose SMSC answers at once, it measures the
// client's own ceiling.
'use strict';

const path = require('path');
const { createRequire } = require('module');

const args = { binds: '8', window: '32', seconds: '10' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '').replace(/-/g, '_')] = argv[i + 1];
if (!args.modules || !args.port || !args.system_id || !args.password) {
  console.error('usage: submit_load.js --modules DIR --port PORT --system-id ID --password PW');
  process.exit(2);
}
const smpp = createRequire(path.join(args.modules, 'package.json'))('smpp');
const binds = Number(args.binds);
const window = Number(args.window);
const seconds = Number(args.seconds);

const latencies = [];
const statuses = {};
let answered = 0;
let started = 0;
let stopping = false;

function finish() {
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
  process.stdout.write(JSON.stringify({
    answered_per_s: answered / seconds,
    ok: statuses['0'] || 0,
    statuses,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  }) + '\n');
  process.exit(0);
}

function submitOne(session, n) {
  const sent = process.hrtime.bigint();
  session.submit_sm({
    source_addr_ton: 5,
    source_addr: 'Deliverer',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '4420718387' + String(n % 100).padStart(2, '0'),
    short_message: 'Your code is ' + String(100000 + (n % 900000)),
  }, (resp) => {
    if (stopping) return;
    answered++;
    statuses[resp.command_status] = (statuses[resp.command_status] || 0) + 1;
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    submitOne(session, started++);
  });
}

// Every bind is made before the first submit, so the measured window is all load.
const sessions = [];
for (let b = 0; b < binds; b++) {
  const session = smpp.connect({ url: `smpp://127.0.0.1:${args.port}` });
  session.on('error', (e) => {
    if (!stopping) {
      console.error(`bind ${b}: ${e}`);
      process.exit(1);
    }
  });
  session.on('connect', () => {
    session.bind_transmitter({ system_id: args.system_id, password: args.password }, (resp) => {
      if (resp.command_status !== 0) {
        console.error(`bind ${b} refused: ${resp.command_status}`);
        process.exit(1);
      }
      sessions.push(session);
      if (sessions.length < binds) return;
      setTimeout(() => {
        stopping = true;
        finish();
      }, seconds * 1000);
      for (const s of sessions) for (let w = 0; w < window; w++) submitOne(s, started++);
    });
  });
}
setTimeout(() => {
  console.error('binds not ready within 30 s');
  process.exit(1);
}, 30000 + seconds * 1000).unref();
