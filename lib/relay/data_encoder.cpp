#include "relay/data_encoder.h"

namespace postern::relay {

void DataEncoder::encode(std::string_view chunk, std::string& out) {
  out.reserve(out.size() + chunk.size() + chunk.size() / 64 + 2);
  for (const char c : chunk) {
    if (atLineStart_ && c == '.') out += '.';  // RFC 5321 §4.5.2
    out += c;
    atLineStart_ = c == '\n';
    beforeLast_ = last_;
    last_ = c;
  }
  if (!chunk.empty()) empty_ = false;
}

void DataEncoder::finish(std::string& out) {
  if (!empty_ && !(beforeLast_ == '\r' && last_ == '\n')) out += last_ == '\r' ? "\n" : "\r\n";
  out += ".\r\n";
  *this = DataEncoder{};
}

}  // namespace postern::relay
