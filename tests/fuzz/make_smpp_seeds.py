#!/usr/bin/env python3
"""Writes the seed corpora of pdu_fuzz, receipt_fuzz and smpp_server_fuzz.

pdu_fuzz/: every kHex... fixture of tests/unit/smpp/fixtures.h (one file per PDU type),
the cases of docs/reliability.md "Regression corpus for the SMPP decoder", and a stream of
several PDUs. receipt_fuzz/: receipt texts as carriers send them. smpp_server_fuzz/: what
producers send the SMPP server, each input a first octet (the size of the reads) and a
stream of PDUs.

Run from anywhere: tests/fuzz/make_smpp_seeds.py. Rewrites only the files it names
(prefix "seed_"), so inputs a fuzzer found and someone added by hand stay.
"""
import pathlib
import re
import struct

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "unit" / "smpp" / "fixtures.h"
PDU_DIR = HERE / "corpus" / "pdu_fuzz"
RECEIPT_DIR = HERE / "corpus" / "receipt_fuzz"
SERVER_DIR = HERE / "corpus" / "smpp_server_fuzz"


def hex_bytes(text):
    return bytes.fromhex(re.sub(r"[\s|]", "", text))


def fixture_seeds():
    source = FIXTURES.read_text()
    seeds = {}
    pattern = re.compile(r"std::string_view (kHex\w+) =(.*?);", re.S)
    for name, body in pattern.findall(source):
        code = re.sub(r"//[^\n]*", "", body)
        seeds[name[4:]] = hex_bytes("".join(re.findall(r'"([^"]*)"', code)))
    return seeds


def frame(command_id, seq, body, status=0):
    return struct.pack(">IIII", 16 + len(body), command_id, status, seq) + body


def cstr(text):
    return text.encode("latin-1") + b"\0"


def sm_prefix(esm_class=0, data_coding=0):
    return (cstr("") + b"\x01\x01" + cstr("447700900123") + b"\x05\x00" + cstr("Deliverer")
            + bytes([esm_class, 0, 0]) + cstr("") + cstr("") + bytes([0, 0, data_coding, 0]))


def deliver_sm(short_message, esm_class=0, tlvs=b""):
    body = sm_prefix(esm_class) + bytes([len(short_message)]) + short_message + tlvs
    return frame(0x05, 1, body)


def bind(system_id="SMPP3TEST", password="secret08", system_type="SUBMIT1", address_range=""):
    body = cstr(system_id) + cstr(password) + cstr(system_type) + b"\x34\x01\x01" + cstr(address_range)
    return frame(0x02, 1, body)


def regression_seeds():
    s = {}
    for length in (0, 1, 4, 7, 8, 15):
        s[f"command_length_{length}"] = struct.pack(">IIII", length, 0x15, 0, 1)
    s["command_length_16"] = struct.pack(">IIII", 16, 0x15, 0, 1)
    s["command_length_16_submit_sm"] = struct.pack(">IIII", 16, 0x04, 0, 2)
    s["command_length_over_max"] = struct.pack(">IIII", 0xFFFFFFF0, 0x04, 0, 1)
    s["command_length_64k_plus_1"] = struct.pack(">II", 0x10001, 0x04)
    s["five_bytes_00000002_00"] = bytes.fromhex("0000000200")
    s["sm_length_254_gsm7_escapes"] = deliver_sm(b"\x1b\x65" * 127)
    s["sm_length_255"] = frame(0x04, 3, sm_prefix() + b"\xff" + b"x" * 255)
    s["ucs2_odd_length"] = frame(0x05, 1, sm_prefix(0, 0x08) + b"\x03\x00\x48\x00")
    s["sm_length_past_end"] = frame(0x04, 3, sm_prefix() + b"\x0aHell")
    s["sm_length_short_of_bytes_left"] = frame(0x04, 3, sm_prefix() + b"\x02Hello")
    s["cstring_without_terminator"] = frame(0x02, 4, b"SMPP")
    s["bind_system_id_at_max"] = bind(system_id="Q" * 15)
    s["bind_system_id_over_max"] = bind(system_id="Q" * 16)
    s["bind_address_range_over_max"] = bind(address_range="Q" * 41)
    s["submit_sm_resp_message_id_over_max"] = frame(0x80000004, 1, cstr("Q" * 65))
    s["udhi_sm_length_0"] = deliver_sm(b"", 0x40)
    s["udh_longer_than_data"] = deliver_sm(b"\x05\x00\x03", 0x40)
    s["concat_reference_0"] = deliver_sm(b"\x05\x00\x03\x00\x02\x01hi", 0x40)
    s["concat_reference_255"] = deliver_sm(b"\x05\x00\x03\xff\x02\x02hi", 0x40)
    s["tlv_length_past_pdu"] = deliver_sm(b"", 0, bytes.fromhex("0427000502"))
    s["tlv_length_0"] = deliver_sm(b"", 0x04, bytes.fromhex("130C0000 04270000"))
    s["tlv_duplicated"] = deliver_sm(b"", 0x04, bytes.fromhex("001E00024100 001E00024200 0427000102"))
    s["tlv_vendor_tags"] = deliver_sm(b"hi", 0, bytes.fromhex("1454000107 060D0000 1403000301 0203"))
    s["resp_error_no_body"] = struct.pack(">IIII", 16, 0x80000004, 0x45, 8)
    s["bind_resp_error_no_body"] = struct.pack(">IIII", 16, 0x80000009, 0x0E, 1)
    s["unknown_command_status_0x22"] = struct.pack(">IIII", 16, 0x80000004, 0x22, 8)
    s["unknown_sequence_number"] = frame(0x80000004, 0x12345678, cstr("9"))
    s["sequence_0x7fffffff"] = struct.pack(">IIII", 16, 0x15, 0, 0x7FFFFFFF)
    s["unknown_command_id"] = frame(0x03, 77, cstr("42"))
    s["receipt_tlv_id_no_state"] = deliver_sm(b"", 0x04, bytes.fromhex("001E0005 3141324200"))
    s["receipt_text_no_stat"] = deliver_sm(
        b"id:77 sub:001 dlvrd:000 submit date:2501021234 done date:2501021300 err:000 text:", 0x04)
    s["receipt_text_high_bytes"] = deliver_sm(
        b"id:5 stat:DELIVRD err:000 text:" + bytes(range(0x80, 0x100, 0x11)), 0x04)
    s["not_smpp_http"] = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    s["not_smpp_tls_client_hello"] = bytes.fromhex(
        "16030100a5010000a103035b908c1e7a2e00001cc02b")
    s["not_smpp_random_text"] = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit"
    return s


RECEIPTS = [
    "id:0123456789 sub:001 dlvrd:001 submit date:2501021234 done date:2501021235 stat:DELIVRD err:000 text:Hello world",
    "id:abc123 sub:001 dlvrd:001 submit date:2501021234 done date:2501021235 stat:delivrd err:000 text:hi",
    "ID:42 SUB:001 DLVRD:000 SUBMIT DATE:2501021234 DONE DATE:2501021235 STAT:UNDELIV ERR:001 TEXT:x",
    "Id:42 Sub:001 Dlvrd:000 Submit Date:2501021234 Done Date:2501021235 Stat:Expired Err:0 Text:",
    "id:99 sub:001 dlvrd:001 submit_date:2501021234 done_date:2501021235 stat:DELIVERED err:000",
    "id:7 sub:001 dlvrd:001 submit date:250102123456 done date:250102123559 stat:DELIVRD err:000 text:",
    "id:5sub:001dlvrd:001submit date:2501021234done date:2501021235stat:REJECTDerr:0text:",
    "id: 123  sub: 001  dlvrd: 001  submit  date: 2501021234  done date : 2501021235  stat : DELIVRD  err : 000  text : hello ",
    "stat:EXPIRED err:027 id:ABCDEF done date:2501021235 submit date:2501021234 sub:001 dlvrd:000",
    "id:1234 stat:ACCEPTD",
    "id:0x1A2B sub:001 dlvrd:001 stat:DELIVRD err:000",
    "id:6f1ed002-ab5d-4d6b-9a1b-3c4f0b6d7e8f sub:001 dlvrd:001 stat:DELIVRD",
    "id:1 sub:001 dlvrd:000 submit date:2501021234 done date:2501021235 stat:ENROUTE err:000 text:",
    "id:2 stat:DELETED err:000",
    "id:3 stat:UNKNOWN err:000",
    "id:4 stat:UNDELIVERABLE",
    "id:9 stat:2",
    "id:10 submit date:2513311299 done date:25010212 stat:DELIVRD",
    "id:11 stat:UNDELIV err:1 text:re id:999 stat:DELIVRD",
    "text:hello id:12 stat:DELIVRD",
    "id:13\tstat:DELIVRD\r\nerr:000",
    "id:0006699 stat:DELIVRD",
    "id:18446744073709551616 stat:DELIVRD",
    "stat:DELIVRD err:000",
]


def submit_sm(seq, short_message, esm_class=0, data_coding=0, tlvs=b""):
    body = (cstr("") + b"\x05\x00" + cstr("Deliverer") + b"\x01\x01" + cstr("447700900123")
            + bytes([esm_class, 0, 0]) + cstr("") + cstr("") + bytes([1, 0, data_coding, 0])
            + bytes([len(short_message)]) + short_message + tlvs)
    return frame(0x04, seq, body)


def server_seeds():
    transceiver = frame(0x09, 1, cstr("esme1") + cstr("pw") + cstr("") + b"\x34\x00\x00" + cstr(""))
    receiver = frame(0x01, 1, cstr("esme1") + cstr("pw") + cstr("") + b"\x34\x00\x00" + cstr(""))
    data_sm = frame(0x103, 5, cstr("") + b"\x05\x00" + cstr("Deliverer") + b"\x01\x01" + cstr("447700900123")
                    + b"\x00\x01\x08" + bytes.fromhex("0424000400480069"))
    deliver_resp = frame(0x80000005, 1, cstr(""))
    s = {
        "bind_submit_unbind": transceiver + submit_sm(2, b"Hello") + frame(0x06, 3, b""),
        "submit_before_bind": submit_sm(1, b"Hi") + transceiver,
        "window_overflow": transceiver + b"".join(submit_sm(n, b"x") for n in range(2, 9)),
        "concatenated_udh": transceiver + submit_sm(2, b"\x05\x00\x03\x07\x02\x01ab", 0x40)
                            + submit_sm(3, b"\x05\x00\x03\x07\x02\x02cd", 0x40),
        "data_sm_and_enquire_link": transceiver + data_sm + frame(0x15, 6, b""),
        "receiver_submits": receiver + submit_sm(2, b"no") + deliver_resp,
        "double_bind": transceiver + transceiver,
        "duplicate_sequence": transceiver + submit_sm(2, b"a") + submit_sm(2, b"b"),
        "malformed_then_unknown": transceiver + frame(0x04, 3, sm_prefix() + b"\x0aHell")
                                  + frame(0x03, 4, cstr("42")),
        "broken_framing": transceiver + struct.pack(">IIII", 8, 0x15, 0, 1),
    }
    # The first octet sets the size of the reads: 1, 8 or 64 octets.
    return {f"{name}_read{chunk + 1}": bytes([chunk]) + data
            for name, data in s.items() for chunk in (0, 7, 63)}


def write(directory, seeds):
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / f"seed_{name}").write_bytes(data)


def main():
    pdus = fixture_seeds()
    pdus.update(regression_seeds())
    pdus["stream_of_pdus"] = b"".join(
        pdus[k] for k in ("BindTransmitter", "SubmitSm", "EnquireLink", "DeliverSmReceipt"))
    write(PDU_DIR, pdus)
    receipts = {f"text_{i:02d}": r.encode("latin-1") for i, r in enumerate(RECEIPTS)}
    receipts["text_high_bytes"] = b"id:5 stat:DELIVRD err:000 text:caf\xe9 \x80\xff"
    receipts["text_trailing_nul"] = b"id:14 stat:EXPIRED err:000 text:bye\0"
    write(RECEIPT_DIR, receipts)
    server = server_seeds()
    write(SERVER_DIR, server)
    print(f"{len(pdus)} pdu seeds, {len(receipts)} receipt seeds, {len(server)} server seeds")


if __name__ == "__main__":
    main()
