// The public site's documents: what other mail servers and mail clients fetch from the public listener
// (public.listen), which anyone on the internet may reach. Today the MTA-STS policy (RFC 8461 §3.2):
// GET /.well-known/mta-sts.txt answered by the request's Host, mta-sts.DOMAIN, with the policy of DOMAIN
// as text/plain, or 404 when the host names no domain with a policy.
//
// Owns: reading the host name from the request (the Host field; its port, a final dot and letter case do
// not matter; an address literal or a malformed host names no domain). Must not know: which domains are
// known or what a policy says (admin::Domains), sockets, TLS. Thread-safety: handlers run on every
// connection thread at once (admin::Domains is thread-safe).
#pragma once

#include <Poco/Net/HTTPRequest.h>

#include <optional>
#include <string>

#include "admin/domains.h"
#include "web/router.h"

namespace postern::web {

// "mta-sts.example.org" for "Host: MTA-STS.Example.org.:443"; nullopt without a Host field, for an IP
// literal, or for a value that is not a host name (RFC 9110 §7.2: uri-host [":" port]).
std::optional<std::string> requestHostName(const Poco::Net::HTTPRequest& request);

void addMtaStsPolicyRoute(Router& router, admin::Domains& domains);

}  // namespace postern::web
