"""A client of Postern's admin JSON API for the integration tests: HTTPS to the server's admin port (its
self-signed certificate is not checked), the session cookie, the CSRF token and the Origin header a browser
would send, and JSON in and out. WebApiCase starts one server per test class with the admin listening on
a free port and an administrator (ADMIN / ADMIN_PASSWORD) made with `postern admin add` before start."""

import http.client
import json
import ssl
import urllib.parse

from postern_harness import LOOPBACK, ServerTestCase

ADMIN = "admin"
ADMIN_PASSWORD = "correct horse battery staple"


class ApiResponse:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_values(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None

    @property
    def error(self):
        return (self.json or {}).get("error", {})

    def __repr__(self):
        return "HTTP %d %s" % (self.status, self.body[:2000].decode("utf-8", "replace"))


class ApiClient:
    """One browser: its cookie jar (just the session), the CSRF token from sign-in, same-origin headers."""

    def __init__(self, port, host=LOOPBACK):
        self.host, self.port = host, port
        self.origin = "https://%s:%d" % (host, port)
        self.cookie = None
        self.csrf = None
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def request(self, method, path, body=None, headers=None, origin=True, csrf=True, raw_body=None,
                content_type="application/json"):
        """path is below /api/v1 ("/users") unless it starts with /api or is a full page path."""
        if not path.startswith("/api/") and not path.startswith("/."):
            path = "/api/v1" + path
        sent = {}
        if origin:
            sent["Origin"] = self.origin
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            sent["X-CSRF-Token"] = self.csrf
        if self.cookie:
            sent["Cookie"] = "__Host-postern=" + self.cookie
        data = raw_body
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        connection = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=30)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            result = ApiResponse(response.status, response.getheaders(), response.read())
        finally:
            connection.close()
        for value in result.header_values("Set-Cookie"):
            name, _, rest = value.partition("=")
            if name == "__Host-postern":
                token = rest.split(";", 1)[0]
                self.cookie = token or None
        return result

    def get(self, path, **query):
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.request("GET", path)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path, body, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def login(self, login=ADMIN, password=ADMIN_PASSWORD):
        response = self.post("/login", {"login": login, "password": password})
        if response.status == 200:
            self.csrf = response.json["csrf"]
        return response


def quote(segment):
    """A path segment as the UI sends it (every reserved character escaped, '@' included)."""
    return urllib.parse.quote(segment, safe="")


class WebApiCase(ServerTestCase):
    """A server with the web admin on a free loopback port and the administrator ADMIN, plus `viewers`
    ({login: password}) with role viewer. self.api() gives a signed-in client."""

    settings = {"admin.listen": LOOPBACK + ":0"}
    viewers = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            # `postern admin add` beside the running server: the accounts live in the database it reads.
            cls.server.cli("admin", "add", ADMIN, "--role", "admin", stdin=ADMIN_PASSWORD + "\n")
            for login, password in cls.viewers.items():
                cls.server.cli("admin", "add", login, "--role", "viewer", stdin=password + "\n")
        except BaseException:
            super().tearDownClass()
            raise

    def client(self):
        return ApiClient(self.server.admin_port)

    def api(self, login=ADMIN, password=None):
        client = self.client()
        if password is None:
            password = ADMIN_PASSWORD if login == ADMIN else self.viewers[login]
        response = client.login(login, password)
        self.assertEqual(response.status, 200, repr(response))
        return client

    def audit_rows(self, action=None):
        client = self.api()
        response = client.get("/audit", **({"action": action} if action else {}))
        self.assertEqual(response.status, 200, repr(response))
        return response.json["items"]

    def assertError(self, response, status, code=None, field=None):
        self.assertEqual(response.status, status, repr(response))
        self.assertEqual(response.header("Content-Type"), "application/json; charset=utf-8", repr(response))
        if code is not None:
            self.assertEqual(response.error.get("code"), code, repr(response))
        if field is not None:
            self.assertEqual(response.error.get("field"), field, repr(response))
