#include "relay/extensions.h"

#include <charconv>
#include <sstream>

#include "core/text.h"

namespace postern::relay {

namespace {

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

void addAuthMechanisms(Extensions& ext, std::istringstream& words) {
  std::string mechanism;
  while (words >> mechanism) ext.authMechanisms.insert(upper(mechanism));
}

}  // namespace

Extensions Extensions::parse(const ServerReply& ehloReply) {
  Extensions ext;
  for (std::size_t i = 1; i < ehloReply.lines.size(); ++i) {
    std::istringstream words(ehloReply.lines[i]);
    std::string keyword;
    if (!(words >> keyword)) continue;
    keyword = upper(keyword);
    if (keyword == "STARTTLS") {
      ext.startTls = true;
    } else if (keyword == "PIPELINING") {
      ext.pipelining = true;
    } else if (keyword == "8BITMIME") {
      ext.eightBitMime = true;
    } else if (keyword == "SMTPUTF8") {
      ext.smtputf8 = true;
    } else if (keyword == "DSN") {
      ext.dsn = true;
    } else if (keyword == "SIZE") {
      ext.size = true;
      std::string number;
      std::uint64_t limit = 0;
      // RFC 1870 §4: "SIZE 0" or no number means no fixed limit.
      if (words >> number) {
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), limit);
        if (ec == std::errc() && end == number.data() + number.size() && limit > 0) ext.sizeLimit = limit;
      }
    } else if (keyword == "CHUNKING") {
      ext.chunking = true;
    } else if (keyword == "AUTH") {
      addAuthMechanisms(ext, words);
    } else if (core::istartsWithAscii(keyword, "AUTH=")) {  // pre-RFC 4954 servers
      std::istringstream first(keyword.substr(5));
      addAuthMechanisms(ext, first);
      addAuthMechanisms(ext, words);
    }
  }
  return ext;
}

}  // namespace postern::relay
