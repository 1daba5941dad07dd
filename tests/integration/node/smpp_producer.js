#!/usr/bin/env node
// A producer on an independent SMPP 3.4 client library (node-smpp, locked in
// package-lock.json): binds as a transceiver, submits one message asking for a receipt,
// and waits for the receipt's deliver_sm. Each step is printed as one JSON line, which
// tests/integration/smpp_interop_test.cc reads.
//
//   smpp_producer.js --modules DIR --port PORT --system-id ID --password PW [--to NUMBER] [--text TEXT]
//                    [--ca FILE] [--message-id UUID]
//
// --ca: SMPP over TLS, trusting the PEM certificate(s) in FILE (and checking the server's
// name, 127.0.0.1, against them).
// --message-id: the submit carries the gateway's deliverer_message_id TLV (0x1D00) and is
// sent twice, the second after the first's answer, as a producer that lost the answer would.
// DIR holds the node_modules that scripts/install-deps installed. Exit 0 once the receipt
// came and was acknowledged, 1 on any failure or after 60 s, 2 for bad arguments or a
// missing client library.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

function parseArgs(argv) {
  const args = { to: '442071838750', text: 'Hello from node-smpp' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-/g, '_');
    args[key] = argv[i + 1];
  }
  return args;
}

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function fail(why) {
  print({ event: 'error', detail: String(why) });
  process.exit(1);
}

const args = parseArgs(process.argv.slice(2));
if (!args.modules || !fs.existsSync(path.join(args.modules, '.installed'))) {
  console.error(`the SMPP client is not installed in ${args.modules}: run scripts/install-deps ` +
                '(it needs the npm registry)');
  process.exit(2);
}
if (!args.port || !args.system_id || !args.password) {
  console.error('usage: smpp_producer.js --modules DIR --port PORT --system-id ID --password PW');
  process.exit(2);
}
const smpp = createRequire(path.join(args.modules, 'package.json'))('smpp');
smpp.addTLV('deliverer_message_id', { id: 0x1D00, type: smpp.types.tlv.cstring });

setTimeout(() => fail('no receipt within 60 s'), 60000).unref();

const tls = Boolean(args.ca);
const session = smpp.connect(tls
  ? { url: `ssmpp://127.0.0.1:${args.port}`, ca: [fs.readFileSync(args.ca)] }
  : { url: `smpp://127.0.0.1:${args.port}` });
let messageId = null;

session.on('error', fail);
session.on('close', () => {
  if (messageId === null) fail('the connection closed before the receipt');
});

session.on('deliver_sm', (pdu) => {
  session.send(pdu.response());
  const text = pdu.short_message && pdu.short_message.message !== undefined
    ? String(pdu.short_message.message) : '';
  print({
    event: 'deliver_sm',
    esm_class: pdu.esm_class,
    receipted_message_id: pdu.receipted_message_id,
    message_state: pdu.message_state,
    source_addr: pdu.source_addr,
    destination_addr: pdu.destination_addr,
    text,
  });
  if ((pdu.esm_class & 0x3c) === 0x04 && pdu.receipted_message_id === messageId) {
    session.unbind(() => {
      messageId = messageId || '';
      session.close();
      process.exit(0);
    });
  }
});

session.on(tls ? 'secureConnect' : 'connect', () => {
  session.bind_transceiver({ system_id: args.system_id, password: args.password }, (bind) => {
    print({ event: 'bind_transceiver_resp', command_status: bind.command_status });
    if (bind.command_status !== 0) fail('bind refused');
    const submit = {
      source_addr_ton: 5,
      source_addr: 'Deliverer',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: args.to,
      registered_delivery: 1,
      short_message: args.text,
    };
    if (args.message_id) submit.deliverer_message_id = args.message_id;
    session.submit_sm(submit, (resp) => {
      print({ event: 'submit_sm_resp', command_status: resp.command_status, message_id: resp.message_id });
      if (resp.command_status !== 0) fail('submit refused');
      if (!args.message_id) {
        messageId = resp.message_id;
        return;
      }
      session.submit_sm(submit, (again) => {
        print({ event: 'submit_sm_resp_again', command_status: again.command_status, message_id: again.message_id });
        if (again.command_status !== 0) fail('the submit sent again was refused');
        messageId = resp.message_id;
      });
    });
  });
});
