"""web/openapi.json and the server's API routes agree: every operation the document describes is one the
server routes (it answers without a session with something other than 404 or 405), and every route the
server has is in the document. The server lists its routes in its debug log ("api route METHOD /path")."""

import http.client
import json
import os
import re
import ssl
import unittest

from postern_harness import LOOPBACK, ServerTestCase
from web_api import ApiClient

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROUTE_RE = re.compile(r"api route (GET|POST|PUT|PATCH|DELETE) (/\S*)")
METHODS = ("get", "post", "put", "patch", "delete")


def documented():
    with open(os.path.join(REPO, "web", "openapi.json"), encoding="utf-8") as f:
        document = json.load(f)
    base = document.get("servers", [{"url": ""}])[0]["url"].rstrip("/")
    operations = set()
    for path, item in document["paths"].items():
        # A path item may name its own server (OpenAPI 3.1 "Path Item Object"): /healthz is outside /api/v1.
        prefix = item["servers"][0]["url"].rstrip("/") if item.get("servers") else base
        for method in METHODS:
            if method in item:
                operations.add("%s %s%s" % (method.upper(), prefix, path))
    return operations


def raw_status(port, method, path):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(LOOPBACK, port, context=context, timeout=30)
    try:
        connection.request(method, path)
        return connection.getresponse().status
    finally:
        connection.close()


class OpenApiAgreementTest(ServerTestCase):
    settings = {"admin.listen": LOOPBACK + ":0", "log_level": "debug"}

    def routed(self):
        return {"%s %s" % m for m in ROUTE_RE.findall(self.server.log_text())}

    def test_the_document_describes_exactly_the_routes_the_server_has(self):
        routed, described = self.routed(), documented()
        self.assertTrue(routed, "the server logged no API routes")
        self.assertEqual(sorted(routed - described), [], "routed but not in web/openapi.json")
        self.assertEqual(sorted(described - routed), [], "in web/openapi.json but not routed")

    def test_every_documented_operation_is_answered_by_a_handler(self):
        client = ApiClient(self.server.admin_port)
        for operation in sorted(documented()):
            method, template = operation.split(" ", 1)
            path = re.sub(r"\{[^}]+\}", "x", template)
            body = None if method in ("GET", "DELETE") else {}
            if path.startswith("/api/"):
                status = client.request(method, path, body).status
            else:  # outside /api/v1 (/healthz), which ApiClient would put below it
                status = raw_status(self.server.admin_port, method, path)
            self.assertNotIn(status, (404, 405), "%s: HTTP %d" % (operation, status))


if __name__ == "__main__":
    unittest.main()
