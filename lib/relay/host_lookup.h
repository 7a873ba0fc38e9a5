// relay::lookupWithin — a smarthost's name lookup that gives up at a deadline. Internal to relay.
//
// Owns: running a blocking resolver (the system's getaddrinfo through Poco, or one a test injects) on a
// thread of its own and waiting for it no longer than the time left of relay.timeout.connect. The system
// resolver cannot be interrupted, so a lookup that outlives its wait is abandoned: its thread finishes on
// its own (bounded by resolv.conf's timeout and attempts) and its answer is dropped. At most
// kMaxAbandonedLookups may be pending at once; beyond that a lookup fails at once instead of adding threads.
// Must not know: SMTP, sockets. Thread-safety: lookupWithin may be called from any number of threads.
#pragma once

#include <Poco/Net/IPAddress.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace postern::relay {

// Resolves a host name to its addresses, blocking; throws (any exception) when the name does not resolve.
// Runs on a thread that may outlive the caller's wait, so it must own (capture by value) what it uses.
using BlockingLookup = std::function<std::vector<Poco::Net::IPAddress>(const std::string& host)>;

// The system resolver (Poco::Net::DNS::hostByName: getaddrinfo with /etc/hosts and resolv.conf).
std::vector<Poco::Net::IPAddress> systemLookup(const std::string& host);

inline constexpr std::size_t kMaxAbandonedLookups = 32;

// The addresses of host, within limit. Throws TransportError: Timeout "DNS lookup timed out after N s"
// (N: limit in seconds), or Failed "host not found" / the resolver's reason. lookup empty: systemLookup.
std::vector<Poco::Net::IPAddress> lookupWithin(const std::string& host, std::chrono::milliseconds limit,
                                               const BlockingLookup& lookup = {});

// "30 s", "0.5 s": a limit as the timeout message shows it.
std::string secondsText(std::chrono::milliseconds limit);

}  // namespace postern::relay
