"""The web admin's HTTPS server (lib/web) against the built binary over real TLS: protocol versions, the
security header fields on an asset, a 404, a 405 and a 403, ETag revalidation, path traversal attempts, the
body limit (Content-Length and chunked), the header-field limit, the client-network check at accept,
keep-alive, the idle timeout, the bound on a trickled request, and admin.listen empty."""

import json
import os
import socket
import ssl
import time
import unittest

from postern_harness import (HOSTNAME, IO_TIMEOUT, LOOPBACK, PosternServer, ServerTestCase, checked_legacy_context,
                             verifying_context)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIB = 1024 * 1024
CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
SECURITY_FIELDS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000",
}
# web::AdminServerOptions: the idle timeout, the timeout of one read, the bound on reading one request.
IDLE_TIMEOUT = 10
READ_TIMEOUT = 10
REQUEST_TIMEOUT = 30


class ConnectionClosed(AssertionError):
    pass


class HttpResponse:
    def __init__(self, status, reason, headers, body, raw_head):
        self.status, self.reason, self.headers, self.body, self.raw_head = status, reason, headers, body, raw_head

    def header(self, name):
        """The value of the one field with this name; None when absent (two of them is a failure)."""
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        if len(values) > 1:
            raise AssertionError("%s appears %d times:\n%s" % (name, len(values), self.raw_head))
        return values[0] if values else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "HttpResponse(%d %s, %d body bytes)\n%s" % (self.status, self.reason, len(self.body), self.raw_head)


class HttpsClient:
    """A byte-exact HTTP/1.1 client over TLS that verifies the server's self-signed certificate."""

    def __init__(self, server, context=None, port=None):
        raw = socket.create_connection((LOOPBACK, port or server.admin_port), timeout=IO_TIMEOUT)
        context = context or verifying_context(server.certificate_path)
        self.sock = context.wrap_socket(raw, server_hostname=HOSTNAME)
        self.buffer = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, target, headers=(), body=None):
        lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1"]
        lines += ["%s: %s" % field for field in headers]
        if body is not None:
            lines.append("Content-Length: %d" % len(body))
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        return self.read_response(method)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionClosed("the server closed the connection; unread: %r" % self.buffer[:200])
        self.buffer += data

    def read_response(self, method="GET"):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        text = head.decode("latin-1")
        lines = text.split("\r\n")
        _, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
        response = HttpResponse(int(status), reason, headers, b"", text)
        length = response.header("Content-Length")
        if method == "HEAD" or response.status in (204, 304):
            return response
        if length is None:
            raise AssertionError("no Content-Length:\n%s" % text)
        while len(self.buffer) < int(length):
            self._fill()
        response.body, self.buffer = self.buffer[:int(length)], self.buffer[int(length):]
        return response

    def wait_closed(self, limit, trickle=None):
        """Seconds until the server closed the connection (end of stream, reset or failed write), reading
        nothing; with trickle, sends those bytes once a second meanwhile. Fails after `limit` seconds."""
        start = time.monotonic()
        self.sock.settimeout(1.0)  # recv also digests TLS 1.3 tickets; a select() would wake for those
        try:
            while time.monotonic() - start < limit:
                try:
                    if trickle:
                        self.sock.sendall(trickle)
                    data = self.sock.recv(4096)
                except socket.timeout:
                    continue
                except (OSError, ssl.SSLError):
                    return time.monotonic() - start
                if not data:
                    return time.monotonic() - start
                raise AssertionError("unexpected bytes from the server: %r" % data)
        finally:
            self.sock.settimeout(IO_TIMEOUT)
        raise AssertionError("the connection was still open after %.0f s" % limit)


class WebServerCase(ServerTestCase):
    def client(self, **kwargs):
        client = HttpsClient(self.server, **kwargs)
        self.addCleanup(client.close)
        return client

    def assertSecurityFields(self, response, cache_control):
        for name, value in SECURITY_FIELDS.items():
            self.assertEqual(response.header(name), value, "%s\n%r" % (name, response))
        self.assertEqual(response.header("Cache-Control"), cache_control, repr(response))

    def assertJsonError(self, response, status, code):
        self.assertEqual(response.status, status, repr(response))
        self.assertEqual(response.header("Content-Type"), "application/json; charset=utf-8", repr(response))
        self.assertEqual(response.json()["error"]["code"], code, repr(response))


class WebServerTest(WebServerCase):
    settings = {"admin.listen": LOOPBACK + ":0"}

    # ---- TLS

    def test_tls_1_2_and_1_3_are_accepted(self):
        for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
            context = verifying_context(self.server.certificate_path, version, version)
            client = self.client(context=context)
            self.assertEqual(client.sock.version(), name)
            self.assertEqual(client.request("GET", "/").status, 200)

    def test_tls_1_1_is_refused(self):
        context, why = checked_legacy_context(ssl.TLSVersion.TLSv1_1, self.server.certificate_path)
        if context is None:
            self.skipTest(why)
        raw = socket.create_connection((LOOPBACK, self.server.admin_port), timeout=IO_TIMEOUT)
        with context.wrap_socket(raw, server_hostname=HOSTNAME, do_handshake_on_connect=False) as tls:
            with self.assertRaises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
                tls.do_handshake()
                tls.recv(1)
                self.fail("handshake with %s completed" % tls.version())

    # ---- assets, 404, 405, revalidation

    def test_an_asset_carries_the_security_fields_and_is_revalidated(self):
        response = self.client().request("GET", "/")
        self.assertEqual(response.status, 200, repr(response))
        with open(os.path.join(REPO, "web", "index.html"), "rb") as f:
            self.assertEqual(response.body, f.read())
        self.assertEqual(response.header("Content-Type"), "text/html; charset=utf-8")
        self.assertRegex(response.header("ETag") or "", r'^"[0-9a-f]{32}"$')
        self.assertSecurityFields(response, "no-cache")

    def test_a_head_request_gets_the_head_only(self):
        client = self.client()
        head = client.request("HEAD", "/index.html")
        self.assertEqual(head.status, 200)
        get = client.request("GET", "/index.html")  # the same connection: nothing of a body was left behind
        self.assertEqual(head.header("Content-Length"), str(len(get.body)))
        self.assertEqual(head.header("ETag"), get.header("ETag"))

    def test_a_matching_etag_is_304_without_a_body(self):
        client = self.client()
        etag = client.request("GET", "/index.html").header("ETag")
        response = client.request("GET", "/index.html", [("If-None-Match", etag)])
        self.assertEqual(response.status, 304, repr(response))
        self.assertEqual(response.header("ETag"), etag)
        self.assertSecurityFields(response, "no-cache")
        # Nothing followed the 304's head: the next answer on the connection starts cleanly.
        self.assertEqual(client.request("GET", "/index.html", [("If-None-Match", '"stale"')]).status, 200)

    def test_an_unknown_api_path_is_a_json_404_with_the_security_fields(self):
        response = self.client().request("GET", "/api/v1/nothing-here")
        self.assertJsonError(response, 404, "not_found")
        self.assertSecurityFields(response, "no-store")

    def test_an_unknown_page_is_a_json_404_with_the_security_fields(self):
        response = self.client().request("GET", "/nothing-here.html")
        self.assertJsonError(response, 404, "not_found")
        self.assertSecurityFields(response, "no-cache")

    def test_a_wrong_method_is_405_with_allow_and_the_security_fields(self):
        client = self.client()
        api = client.request("DELETE", "/api/v1/openapi.json")
        self.assertJsonError(api, 405, "method_not_allowed")
        self.assertEqual(api.header("Allow"), "GET, HEAD")
        self.assertSecurityFields(api, "no-store")
        page = client.request("POST", "/index.html", body=b"")
        self.assertJsonError(page, 405, "method_not_allowed")
        self.assertEqual(page.header("Allow"), "GET, HEAD")
        self.assertSecurityFields(page, "no-cache")

    def test_the_openapi_document_is_served_when_the_build_has_one(self):
        response = self.client().request("GET", "/api/v1/openapi.json")
        path = os.path.join(REPO, "web", "openapi.json")
        if os.path.exists(path):
            self.assertEqual(response.status, 200, repr(response))
            with open(path, "rb") as f:
                self.assertEqual(response.body, f.read())
        else:
            self.assertJsonError(response, 404, "not_found")
        self.assertSecurityFields(response, "no-store")

    def test_traversal_attempts_are_404_and_never_a_file(self):
        client = self.client()
        for target in ("/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../x", "/../../etc/passwd",
                       "/..%5c..%5cetc/passwd", "/%252e%252e/etc/passwd", "/index.html/../../../etc/passwd",
                       "/api/v1/../../etc/passwd", "/api/v1/openapi.json/..%2f..%2f..%2fetc%2fpasswd"):
            response = client.request("GET", target)
            self.assertEqual(response.status, 404, "%s\n%r" % (target, response))
            self.assertNotIn(b"root:", response.body, target)
            self.assertSecurityFields(response, "no-store" if target.startswith("/api/") else "no-cache")

    def test_a_malformed_escape_in_an_api_path_is_400(self):
        response = self.client().request("GET", "/api/v1/users/a%zz")
        self.assertJsonError(response, 400, "bad_request")
        self.assertSecurityFields(response, "no-store")

    # ---- limits

    def test_a_body_of_2_mib_is_413(self):
        client = self.client()
        body = b"{" + b" " * (2 * MIB - 2) + b"}"
        client.send(b"POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body)
        response = client.read_response("POST")
        self.assertJsonError(response, 413, "payload_too_large")
        self.assertSecurityFields(response, "no-store")
        self.assertEqual((response.header("Connection") or "").lower(), "close")

    def test_a_chunked_body_over_1_mib_is_413(self):
        client = self.client()
        chunk = b"x" * 65536
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
        client.send(b"POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
        response = client.read_response("POST")
        self.assertJsonError(response, 413, "payload_too_large")
        self.assertSecurityFields(response, "no-store")

    def test_a_body_within_the_limit_reaches_the_router(self):
        response = self.client().request("POST", "/api/v1/nothing-here", [("Content-Type", "application/json")],
                                         b"{" + b" " * (MIB - 2) + b"}")
        self.assertJsonError(response, 404, "not_found")

    def test_200_header_fields_are_400(self):
        client = self.client()
        fields = "".join("X-Filler-%d: %d\r\n" % (i, i) for i in range(200))
        client.send(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + "\r\n").encode("ascii"))
        response = client.read_response()
        self.assertIn(response.status, (400, 431), repr(response))
        self.assertSecurityFields(response, "no-store")
        self.assertEqual((response.header("Connection") or "").lower(), "close")

    def test_a_header_value_over_8_kib_is_400(self):
        response = self.client().request("GET", "/", [("X-Long", "v" * 9000)])
        self.assertIn(response.status, (400, 431), repr(response))
        self.assertSecurityFields(response, "no-store")

    # ---- connections

    def test_keep_alive_serves_two_requests_on_one_connection(self):
        client = self.client()
        first = client.request("GET", "/")
        second = client.request("GET", "/api/v1/nothing-here")
        self.assertEqual(first.status, 200)
        self.assertNotEqual((first.header("Connection") or "").lower(), "close")
        self.assertEqual(second.status, 404)

    def test_an_idle_connection_is_closed_after_the_timeout(self):
        client = self.client()
        self.assertEqual(client.request("GET", "/").status, 200)
        waited = client.wait_closed(IO_TIMEOUT + IDLE_TIMEOUT)
        self.assertGreater(waited, IDLE_TIMEOUT / 2, "closed long before the idle timeout")

    def test_a_trickled_request_is_cut_off(self):
        client = self.client()
        client.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: ")
        # One byte a second: no single read ever waits long, only the whole request does.
        waited = client.wait_closed(REQUEST_TIMEOUT + IO_TIMEOUT, trickle=b"x")
        self.assertGreater(waited, READ_TIMEOUT, "closed by a read timeout although bytes kept coming")


class ForbiddenNetworkTest(WebServerCase):
    settings = {"admin.listen": LOOPBACK + ":0", "admin.allowed_networks": "10.0.0.0/8"}

    def test_a_client_outside_the_allowed_networks_gets_403_with_the_security_fields(self):
        client = self.client()
        client.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        response = client.read_response()
        self.assertJsonError(response, 403, "forbidden")
        self.assertSecurityFields(response, "no-store")
        self.assertEqual((response.header("Connection") or "").lower(), "close")
        self.assertNotIn(b"<html", response.body.lower())
        client.wait_closed(IO_TIMEOUT)

    def test_the_refusal_is_logged(self):
        client = self.client()
        client.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.read_response()
        deadline = time.monotonic() + IO_TIMEOUT
        while "event=refused reason=network-not-allowed" not in self.server.log_text():
            self.assertLess(time.monotonic(), deadline, self.server.log_excerpt())
            time.sleep(0.05)


def listening_ports(pid):
    """The TCP ports process pid listens on (its socket descriptors matched in /proc/net/tcp and tcp6)."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


class AdminListenEmptyTest(unittest.TestCase):
    def test_an_empty_admin_listen_opens_no_listener(self):
        with PosternServer({"admin.listen": ""}) as server:
            server.start()
            deadline = time.monotonic() + IO_TIMEOUT
            while "admin UI off (admin.listen is empty)" not in server.log_text():
                self.assertLess(time.monotonic(), deadline, server.log_excerpt())
                time.sleep(0.05)
            self.assertNotIn("admin UI at", server.log_text())
            self.assertEqual(listening_ports(server.process.pid), set(server.ports.values()))


if __name__ == "__main__":
    unittest.main()
