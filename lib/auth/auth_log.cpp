#include "auth/auth_log.h"

#include <ctime>

#include "core/text.h"

namespace postern::auth {

namespace {
// Server-chosen words only, but a word must not hold a space or '=' whatever a caller passes.
std::string word(std::string_view text) {
  if (text.empty()) return "-";
  std::string out;
  for (const char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == ':' || c == '/';
    out += plain ? c : '_';
  }
  return out;
}

std::string utc(core::Clock::TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}
}  // namespace

std::string quotedValue(std::string_view text) {
  std::string value = core::logValue(text);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value;
  return "\"" + value + "\"";  // logValue leaves plain text unquoted; it holds no '"' or '\' then
}

std::string reasonWord(std::string_view phrase) {
  std::string out;
  for (const char c : phrase) out += c == ' ' ? '-' : c;
  return word(out);
}

std::string failureLine(const AuthFailure& failure) {
  return "failure service=" + word(failure.service) + " client=" + word(failure.client) +
         " login=" + quotedValue(failure.login) + " mechanism=" + word(failure.mechanism) +
         " reason=" + word(failure.reason);
}

std::string banStartedLine(const Ban& ban) {
  return "ban started kind=" + std::string(banKindName(ban.kind)) + " key=" + quotedValue(ban.key) +
         " count=" + std::to_string(ban.count) + " until=" + utc(ban.until) +
         " reason=" + quotedValue(ban.reason);
}

}  // namespace postern::auth
