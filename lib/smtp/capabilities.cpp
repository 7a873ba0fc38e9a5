#include "smtp/capabilities.h"

namespace postern::smtp {

std::vector<std::string> ehloLines(const CapabilityInputs& in) {
  std::vector<std::string> lines{in.hostname};
  lines.emplace_back("PIPELINING");                              // RFC 2920
  lines.emplace_back("CHUNKING");                                // RFC 3030; no BINARYMIME (README)
  lines.push_back("SIZE " + std::to_string(in.maxMessageSize));  // RFC 1870 §4
  lines.emplace_back("8BITMIME");                                // RFC 6152
  lines.emplace_back("ENHANCEDSTATUSCODES");                     // RFC 2034
  lines.emplace_back("SMTPUTF8");                                // RFC 6531
  lines.emplace_back("DSN");                                     // RFC 3461
  if (!in.tlsActive) {
    lines.emplace_back("STARTTLS");  // RFC 3207 §4.2
  } else if (!in.authMechanisms.empty()) {
    std::string auth = "AUTH";  // RFC 4954 §3
    for (const auto& m : in.authMechanisms) auth += " " + m;
    lines.push_back(std::move(auth));
  }
  return lines;
}

}  // namespace postern::smtp
