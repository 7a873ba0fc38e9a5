#include "oauth/oauth_error.h"

#include <algorithm>
#include <utility>

#include "oauth/form_encoding.h"

namespace postern::oauth {

namespace {

constexpr std::size_t kShortestSecret = 4;
constexpr std::string_view kRedacted = "[redacted]";

// Every spelling of the secrets that is worth searching for.
std::vector<std::string> needles(const std::vector<std::string_view>& secrets) {
  std::vector<std::string> out;
  for (const std::string_view secret : secrets) {
    if (secret.size() < kShortestSecret) continue;
    out.emplace_back(secret);
    std::string encoded = formEncode(secret);
    if (encoded != secret) out.push_back(std::move(encoded));
  }
  return out;
}

void replaceAll(std::string& text, std::string_view needle) {
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + kRedacted.size()))
    text.replace(pos, needle.size(), kRedacted);
}

}  // namespace

std::string safeText(std::string_view text, const std::vector<std::string_view>& secrets,
                     std::size_t maxLength) {
  const std::vector<std::string> search = needles(secrets);
  std::string raw(text);
  for (const auto& needle : search) replaceAll(raw, needle);

  // Runs of control characters become one space (Microsoft's descriptions end lines with CRLF); other bytes
  // outside printable ASCII are dropped. A secret that a control character interrupted would show as two
  // halves, so secrets are also searched for in the text with those characters removed ("joined"), and
  // the span they cover in the output is redacted; and a control character that became a space can
  // complete a secret that holds one ("RT-Bad\x15Request" shows as "RT-Bad Request"), so the output as
  // shown is searched too.
  std::string out;
  std::string joined;
  std::vector<std::size_t> position;  // joined[i] is out[position[i]]
  bool inControl = false;
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      if (!inControl && !out.empty()) out += ' ';
      inControl = true;
    } else if (byte < 0x7F) {
      position.push_back(out.size());
      joined += c;
      out += c;
      inControl = false;
    }
  }
  if (inControl && !out.empty() && out.back() == ' ') out.pop_back();  // never a position of joined
  std::vector<std::pair<std::size_t, std::size_t>> spans;              // [first, last] in out
  for (const auto& needle : search)
    for (std::size_t pos = joined.find(needle); pos != std::string::npos; pos = joined.find(needle, pos + 1))
      spans.emplace_back(position[pos], position[pos + needle.size() - 1]);
  for (const auto& needle : search)
    for (std::size_t pos = out.find(needle); pos != std::string::npos; pos = out.find(needle, pos + 1))
      spans.emplace_back(pos, pos + needle.size() - 1);
  std::sort(spans.begin(), spans.end());
  std::string redacted;
  std::size_t next = 0;
  for (const auto& [first, last] : spans) {
    if (last < next) continue;  // inside a span already redacted
    if (first >= next) {
      redacted.append(out, next, first - next);
      redacted += kRedacted;
    }
    next = last + 1;
  }
  redacted.append(out, std::min(next, out.size()));
  if (redacted.size() > maxLength) {
    redacted.resize(maxLength);
    redacted += "...";
  }
  return redacted;
}

}  // namespace postern::oauth
