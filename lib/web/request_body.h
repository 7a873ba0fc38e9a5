// web request bodies — how much of a body the admin accepts and how it is framed, checked before a byte
// of it is read, then read whole into memory (JSON bodies are small; the limit is 1 MiB).
//
// A body is framed by exactly one Content-Length or by Transfer-Encoding: chunked (RFC 9112 §6): both at
// once, two Content-Length fields, a negative or malformed length or another transfer coding is a 400,
// because two readers of such a request (a proxy and this server) could disagree on where it ends.
// Without either the body is empty (RFC 9112 §6.3). A Content-Length over the limit is a 413 before
// reading; a chunked body is counted as it is read and is a 413 once it passes the limit.
// Must not know: sockets, routes. Thread-safety: pure functions over the request they are given.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>

namespace postern::web {

// Throws HttpError 400 (ambiguous or malformed framing) or 413 (declared length over limit).
void checkBodyFraming(const Poco::Net::HTTPRequest& request, std::size_t limit);

// checkBodyFraming(), then the whole body from request.stream(). Throws HttpError 413 when a chunked body
// passes the limit and 400 when the body ends before its declared length; errors of the connection itself
// (a timeout, a reset, malformed chunks) propagate as Poco exceptions.
std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit);

}  // namespace postern::web
