#!/usr/bin/env python3
"""Writes the seed corpora of http_server_fuzz and http_client_fuzz.

http_server_fuzz/: what clients send the API listener: every route with the fixed keys of
http_server_fuzz.cc (so the authenticated handlers are reached), carrier callbacks with a
token and with a signature, pipelined requests, chunked bodies with extensions and
trailers, Expect: 100-continue, and framing RFC 9112 refuses or that readers could take
differently (Content-Length beside Transfer-Encoding, repeated lengths, bad chunk sizes,
bare LF, obs-fold, oversized lines and trailers), and bytes that are not HTTP.

http_client_fuzz/: what webhook receivers and HTTP carriers answer: carrier answers with
and without ids, interim 1xx answers, kept-alive answer sequences, chunked answers with
trailers, answers framed by the connection's end, and broken or hostile framing.

Run from anywhere: tests/fuzz/make_http_seeds.py. Rewrites only the files it names
(prefix "seed_"), so inputs a fuzzer found and someone added by hand stay.
"""
import hashlib
import hmac
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SERVER_DIR = HERE / "corpus" / "http_server_fuzz"
CLIENT_DIR = HERE / "corpus" / "http_client_fuzz"

# As in http_server_fuzz.cc.
ADMIN_KEY = "dlv_FuzzAdminKey_NotASecretOnlyForFuzz0MneIXA"
SEND_KEY = "dlv_FuzzSendOnly_NotASecretOnlyForFuzz0XqXisr"
CARRIER_TOKEN = "fuzz-carrier-token"
NOW_S = 1_764_000_000  # FakeClock's default start
MESSAGE_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
NUMBER = "+442071838750"

# The limits the target runs with (api::HttpLimits' defaults, httpc::kMaxHeaderBytes).
SERVER_HEADER_LIMIT = 16 * 1024
CLIENT_HEADER_LIMIT = 32 * 1024


def request(method, target, headers=(), body=b"", length=True, version="1.1"):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {target} HTTP/{version}", "Host: api.example"]
    lines += list(headers)
    if length and body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def auth(key=ADMIN_KEY):
    return f"Authorization: Bearer {key}"


JSON = "Content-Type: application/json"
FORM = "Content-Type: application/x-www-form-urlencoded"


def message(**extra):
    m = {"from": "Deliverer", "to": NUMBER, "body": "Hello from the fuzzer"}
    m.update(extra)
    return json.dumps(m, separators=(",", ":"))


def post_json(target, body, key=ADMIN_KEY, extra=()):
    return request("POST", target, [auth(key), JSON, *extra], body)


def chunked(target, chunks, trailer="", headers=(), extension=""):
    body = b"".join(f"{len(c):x}{extension}\r\n".encode() + c + b"\r\n" for c in chunks)
    body += b"0\r\n" + trailer.encode() + b"\r\n"
    return request("POST", target, [auth(), JSON, "Transfer-Encoding: chunked", *headers], body,
                   length=False)


def signed(body):
    mac = hmac.new(CARRIER_TOKEN.encode(), f"{NOW_S}.".encode() + body.encode(), hashlib.sha256)
    return f"X-Carrier-Signature: t={NOW_S},v1={mac.hexdigest()}"


def server_routes():
    s = {}
    s["get_healthz"] = request("GET", "/healthz")
    s["get_readyz"] = request("GET", "/readyz")
    s["get_metrics"] = request("GET", "/metrics")
    s["post_message"] = post_json("/v1/messages", message())
    s["post_message_all_fields"] = post_json("/v1/messages", message(
        message_id=MESSAGE_ID, type="flash", priority="high", ttl=3600,
        callback_url="https://hooks.example.com/sms?x=1", client_ref="order-42"))
    s["post_message_send_key_unicode"] = post_json(
        "/v1/messages", message(body="Grüße 👋 " * 20), key=SEND_KEY)
    s["post_message_then_get"] = (post_json("/v1/messages", message(message_id=MESSAGE_ID))
                                  + request("GET", f"/v1/messages/{MESSAGE_ID}", [auth()]))
    batch = {"messages": [json.loads(message()), json.loads(message(to="+15555550100")),
                          {"from": "x", "to": "123"}, 7]}
    s["post_batch"] = post_json("/v1/messages/batch", json.dumps(batch))
    s["get_message_unknown"] = request("GET", "/v1/messages/00000000-0000-7000-8000-000000000000",
                                       [auth()])
    s["list_messages_query"] = request(
        "GET", "/v1/messages?status=queued&to=%2B442071838750&limit=10&client_ref=order-42",
        [auth()])
    s["list_messages_cursor"] = request("GET", "/v1/messages?cursor=AAAA&limit=1", [auth()])
    s["put_suppression"] = request("PUT", f"/v1/suppressions/{NUMBER.replace('+', '%2B')}",
                                   [auth(), JSON], '{"reason":"complaint"}')
    s["delete_suppression"] = request("DELETE", f"/v1/suppressions/{NUMBER}", [auth()])
    s["list_suppressions"] = request("GET", "/v1/suppressions?limit=5", [auth()])
    s["admin_audit"] = request("GET", "/v1/admin/audit?limit=3", [auth()])
    s["admin_carriers"] = request("GET", "/v1/admin/carriers", [auth()])
    s["admin_inbound"] = request("GET", "/v1/admin/inbound?flag=review&limit=2", [auth()])
    s["admin_erase"] = post_json("/v1/admin/erase", json.dumps({"number": NUMBER}))
    s["admin_forbidden_send_key"] = request("GET", "/v1/admin/audit", [auth(SEND_KEY)])
    s["no_key"] = request("GET", "/v1/messages")
    s["bad_key_checksum"] = request("GET", "/v1/messages", [auth(ADMIN_KEY[:-1] + "B")])
    s["basic_scheme"] = request("GET", "/v1/messages", ["Authorization: Basic Zm9vOmJhcg=="])
    s["method_not_allowed"] = request("PATCH", "/v1/messages", [auth()])
    s["not_found"] = request("GET", "/v2/../v1/%2e%2e/messages", [auth()])
    receipt = json.dumps({"carrier_message_id": "abc123", "status": "DELIVRD", "error_code": "000"})
    s["dlr_token"] = request("POST", "/v1/dlr/fuzz-token",
                             [f"X-Carrier-Token: {CARRIER_TOKEN}", JSON], receipt)
    s["dlr_signature"] = request("POST", "/v1/dlr/fuzz-token", [signed(receipt), JSON], receipt)
    s["dlr_form_allowlisted"] = request("POST", "/v1/dlr/fuzz-allow", [FORM],
                                        "carrier_message_id=abc123&status=undeliv&error_code=1")
    s["inbound_allowlisted"] = request("POST", "/v1/inbound/fuzz-allow", [JSON],
                                       json.dumps({"from": NUMBER, "to": "12345", "text": "STOP"}))
    s["dlr_unknown_carrier"] = request("POST", "/v1/dlr/nobody", [JSON], receipt)
    return s


def server_framing():
    s = {}
    s["pipelined_three"] = (request("GET", "/healthz") + request("GET", "/readyz")
                            + request("GET", "/v1/messages?limit=1", [auth()]))
    s["keep_alive_http10"] = request("GET", "/healthz", ["Connection: keep-alive"], version="1.0") * 2
    s["connection_close_then_more"] = request("GET", "/healthz", ["Connection: close"]) * 2
    s["chunked_message"] = chunked("/v1/messages", [message()[:20].encode(), message()[20:].encode()])
    s["chunked_extension_trailer"] = chunked("/v1/messages", [message().encode()],
                                             trailer="X-Checksum: 1234\r\n", extension=";name=value")
    s["chunked_huge_trailer"] = chunked("/v1/messages", [message().encode()],
                                        trailer="X-Big: " + "a" * (SERVER_HEADER_LIMIT + 100) + "\r\n")
    s["chunk_size_not_hex"] = request("POST", "/v1/messages", [auth(), "Transfer-Encoding: chunked"],
                                      b"zz\r\nhello\r\n0\r\n\r\n", length=False)
    s["chunk_size_overflow"] = request("POST", "/v1/messages", [auth(), "Transfer-Encoding: chunked"],
                                       b"fffffffffffffffffff\r\nhello\r\n0\r\n\r\n", length=False)
    s["chunk_short_then_eof"] = request("POST", "/v1/messages", [auth(), "Transfer-Encoding: chunked"],
                                        b"40\r\nonly a few bytes", length=False)
    s["expect_continue"] = post_json("/v1/messages", message(), extra=["Expect: 100-continue"])
    s["expect_continue_too_large"] = request(
        "POST", "/v1/messages", [auth(), JSON, "Expect: 100-continue", "Content-Length: 70000"])
    s["body_over_limit"] = request("POST", "/v1/messages", [auth(), JSON, "Content-Length: 65537"],
                                   b"{" * 200, length=False)
    s["content_length_and_chunked"] = request(
        "POST", "/v1/messages", [auth(), "Content-Length: 5", "Transfer-Encoding: chunked"],
        b"0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n", length=False)
    s["transfer_encoding_gzip"] = request("POST", "/v1/messages", [auth(), "Transfer-Encoding: gzip"],
                                          b"abc", length=False)
    s["transfer_encoding_chunked_gzip"] = request(
        "POST", "/v1/messages", [auth(), "Transfer-Encoding: chunked, gzip"], b"0\r\n\r\n", length=False)
    s["content_length_twice"] = request("POST", "/v1/messages",
                                        [auth(), "Content-Length: 2", "Content-Length: 3"], b"{}x",
                                        length=False)
    s["content_length_negative"] = request("POST", "/v1/messages", [auth(), "Content-Length: -1"],
                                           b"{}", length=False)
    s["bare_lf"] = request("GET", "/healthz").replace(b"\r\n", b"\n")
    s["obs_fold"] = b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n"
    s["target_too_long"] = request("GET", "/v1/messages/" + "a" * (SERVER_HEADER_LIMIT + 10), [auth()])
    s["header_without_colon"] = b"GET /healthz HTTP/1.1\r\nHost a\r\n\r\n"
    s["nul_in_header"] = b"GET /healthz HTTP/1.1\r\nHost: a\x00b\r\n\r\n"
    s["absolute_form"] = b"GET http://api.example/healthz HTTP/1.1\r\nHost: api.example\r\n\r\n"
    s["asterisk_options"] = b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
    s["connect"] = b"CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n\r\n"
    s["http09"] = b"GET /\r\n"
    s["http2_preface"] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    s["header_cut_short"] = b"POST /v1/messages HTTP/1.1\r\nHost: a\r\nContent-Le"
    s["body_cut_short"] = request("POST", "/v1/messages", [auth(), JSON, "Content-Length: 100"],
                                  b'{"from":', length=False)
    s["tls_client_hello"] = bytes.fromhex("16030100a5010000a10303") + bytes(range(32)) + b"\x00\x02\x13\x01"
    s["empty"] = b""
    return s


def response(status, reason, headers=(), body=b"", length=True, version="1.1"):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"HTTP/{version} {status} {reason}".rstrip(), *headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked_response(chunks, trailer="", extension=""):
    body = b"".join(f"{len(c):x}{extension}\r\n".encode() + c + b"\r\n" for c in chunks)
    body += b"0\r\n" + trailer.encode() + b"\r\n"
    return response(200, "OK", ["Content-Type: application/json", "Transfer-Encoding: chunked"], body,
                    length=False)


def client_seeds():
    s = {}
    ct = "Content-Type: application/json"
    s["accepted_id"] = response(200, "OK", [ct], '{"message_id":"0A1B2C3D"}')
    s["accepted_nested"] = response(202, "Accepted", [ct], '{"data":[{"id":"12345678901234567890"}]}')
    s["accepted_numeric_id"] = response(201, "Created", [ct], '{"id":1234567890123,"message_id":42}')
    s["accepted_result"] = response(200, "OK", [ct],
                                    '{"result":{"message":{"id":"0x1A2B"},"status":"queued"}}')
    s["accepted_no_id"] = response(200, "OK", [ct], '{"status":"queued"}')
    s["accepted_long_id"] = response(200, "OK", [ct], json.dumps({"message_id": "9" * 200}))
    s["accepted_not_json"] = response(204, "No Content", [], "", length=False)
    s["refused_error"] = response(400, "Bad Request", [ct], '{"error":"invalid_number"}')
    s["refused_errors_array"] = response(422, "Unprocessable", [ct], '{"errors":[{"code":"E21"}]}')
    s["server_error_text"] = response(500, "Internal Server Error", ["Content-Type: text/plain"], "oops")
    s["throttled"] = response(429, "Too Many Requests", ["Retry-After: 1", ct], '{"error":"rate"}')
    s["redirect"] = response(302, "Found", ["Location: http://elsewhere.example/"], "")
    s["continue_then_ok"] = response(100, "Continue", length=False) + s["accepted_id"]
    s["early_hints_then_ok"] = response(103, "Early Hints", ["Link: </a>; rel=preload"], length=False) + \
        s["accepted_id"]
    s["interim_too_many"] = response(100, "Continue", length=False) * 10 + s["accepted_id"]
    s["switching_protocols"] = response(101, "Switching Protocols", ["Upgrade: websocket"], length=False)
    s["kept_alive_three"] = s["accepted_id"] + s["refused_error"] + s["accepted_nested"]
    s["closed_then_more"] = response(200, "OK", ["Connection: close"], "{}") + s["accepted_id"]
    s["chunked"] = chunked_response([b'{"message_', b'id":"77"}'])
    s["chunked_trailer_extension"] = chunked_response([b'{"message_id":"77"}'], trailer="X-Sum: 1\r\n",
                                                      extension=";a=b")
    s["chunked_huge_trailer"] = chunked_response([b"{}"],
                                                 trailer="X-Big: " + "b" * (CLIENT_HEADER_LIMIT + 100) + "\r\n")
    s["chunk_size_not_hex"] = response(200, "OK", ["Transfer-Encoding: chunked"], b"g\r\nx\r\n0\r\n\r\n",
                                       length=False)
    s["chunk_size_overflow"] = response(200, "OK", ["Transfer-Encoding: chunked"],
                                        b"1ffffffffffffffff\r\nx\r\n0\r\n\r\n", length=False)
    s["until_close"] = response(200, "OK", [ct, "Connection: close"], '{"message_id":"until-eof"}',
                                length=False)
    s["http10_until_close"] = response(200, "OK", [], '{"message_id":"1.0"}', length=False, version="1.0")
    s["length_short"] = response(200, "OK", ["Content-Length: 50"], "{}", length=False)
    s["length_over_limit"] = response(200, "OK", ["Content-Length: 70000"], "{}", length=False)
    s["length_twice"] = response(200, "OK", ["Content-Length: 2", "Content-Length: 3"], "{}x", length=False)
    s["length_and_chunked"] = response(200, "OK", ["Content-Length: 3", "Transfer-Encoding: chunked"],
                                       b"0\r\n\r\n", length=False)
    s["status_599"] = response(599, "High", [], '{"error":"x"}')
    s["status_four_digits"] = response(2000, "OK", [], "{}")
    s["no_reason"] = b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}"
    s["version_2"] = response(200, "OK", [], "{}", version="2.0")
    s["icy"] = b"ICY 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    s["header_too_large"] = response(200, "OK", ["X-Big: " + "c" * (CLIENT_HEADER_LIMIT + 10)], "{}")
    s["bare_lf"] = s["accepted_id"].replace(b"\r\n", b"\n")
    s["obs_fold"] = b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\n{}"
    s["json_deep"] = response(200, "OK", [ct], "[" * 3000 + "]" * 3000)
    s["json_bad_utf8"] = response(400, "Bad", [ct], b'{"error":"\xff\xfe"}')
    s["json_escapes"] = response(200, "OK", [ct], '{"message_id":"\\u0000\\ud83d\\ude00"}')
    s["garbage"] = bytes(range(256))
    s["empty"] = b""
    return s


def write(directory, seeds):
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / f"seed_{name}").write_bytes(data)


if __name__ == "__main__":
    write(SERVER_DIR, {**server_routes(), **server_framing()})
    write(CLIENT_DIR, client_seeds())
