// smtp capabilities — the EHLO reply lines (RFC 5321 §4.1.1.1), which depend on whether TLS is up:
// STARTTLS only before it (RFC 3207 §4.2), AUTH only after it (RFC 4954 §4 and RFC 8314 §3: no
// credentials over plaintext).
//
// Must not know: session state beyond its inputs. Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace postern::smtp {

struct CapabilityInputs {
  std::string hostname;
  std::size_t maxMessageSize = 0;
  bool tlsActive = false;
  std::vector<std::string> authMechanisms;  // upper case
};

// The 250 reply's lines: the host name first, then one extension per line.
std::vector<std::string> ehloLines(const CapabilityInputs& in);

}  // namespace postern::smtp
