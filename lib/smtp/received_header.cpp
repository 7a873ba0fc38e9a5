#include "smtp/received_header.h"

#include "core/text.h"

namespace postern::smtp {

namespace {

// Client-chosen text is bounded so that every folded line stays far below 998 octets (RFC 5322 §2.1.1).
constexpr std::size_t kMaxClientText = 255;

// Printable ASCII only, and none of the characters that open or close a comment or end the clauses
// (";"): a HELO of "x (192.0.2.1)" must not pass for a verified client address.
std::string sanitise(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxClientText)) {
    const auto u = static_cast<unsigned char>(c);
    const bool safe = u > 0x20 && u < 0x7f && c != '(' && c != ')' && c != '\\' && c != ';';
    out += safe ? c : '?';
  }
  return out.empty() ? "?" : out;
}

// RFC 5321 §4.1.3: an IPv6 address is written "[IPv6:...]".
std::string addressLiteral(const std::string& ip) {
  return ip.find(':') == std::string::npos ? "[" + ip + "]" : "[IPv6:" + ip + "]";
}

}  // namespace

std::string receivedHeader(const ReceivedInfo& info) {
  std::string h = "Received: from " + sanitise(info.heloName);
  if (info.clientAddress) h += " (" + addressLiteral(sanitise(*info.clientAddress)) + ")";
  h += "\r\n\tby " + info.hostname + " (Postern) with ESMTPSA id " + info.queueId;  // RFC 3848 §2
  h += "\r\n\t(version=" + sanitise(info.tlsVersion) + " cipher=" + sanitise(info.tlsCipher) + ")";
  h += "\r\n\t(authenticated as " + sanitise(info.login) + ")";
  // RFC 5321 §4.4: the "for" clause is optional; an address that could pass for syntax is left out.
  if (info.recipient && mail::isPlainAddress(*info.recipient))
    h += "\r\n\tfor <" + info.recipient->str() + ">";
  h += "; " + core::rfc5322Date(info.time) + "\r\n";
  return h;
}

}  // namespace postern::smtp
