#include "relay/oauth_sasl.h"

#include "core/text.h"

namespace postern::relay {

namespace {

constexpr char kSeparator = '\x01';  // RFC 7628 §3.1 kvsep
constexpr std::size_t kMaxStatusLength = 40;

bool isAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string escapeSaslName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

std::string xoauth2Response(std::string_view user, std::string_view token) {
  std::string out = "user=";
  out += user;
  out += kSeparator;
  out += "auth=Bearer ";
  out += token;
  out += kSeparator;
  out += kSeparator;
  return out;
}

std::string oauthBearerResponse(std::string_view user, std::string_view host, std::uint16_t port,
                                std::string_view token) {
  // gs2-header: no channel binding ("n"), the authorization identity "a=" (RFC 7628 §3.1).
  std::string out = "n,a=" + escapeSaslName(user) + ",";
  out += kSeparator;
  out += "host=";
  out += host;
  out += kSeparator;
  out += "port=" + std::to_string(port);
  out += kSeparator;
  out += "auth=Bearer ";
  out += token;
  out += kSeparator;
  out += kSeparator;
  return out;
}

bool isBearerToken(std::string_view token) {
  std::size_t i = 0;
  while (i < token.size() &&
         (isAsciiAlnum(token[i]) || std::string_view("-._~+/").find(token[i]) != std::string_view::npos))
    ++i;
  if (i == 0) return false;
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size();
}

bool isSafeSaslUser(std::string_view user) {
  if (user.empty()) return false;
  for (const char c : user)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

std::optional<std::string> errorChallengeStatus(std::string_view base64Challenge) {
  const std::optional<std::string> json = core::base64Decode(core::trim(base64Challenge));
  if (!json) return std::nullopt;
  // Not a JSON parser: just the string value of "status", which is all that is shown.
  const auto key = json->find("\"status\"");
  if (key == std::string::npos) return std::nullopt;
  std::size_t i = key + 8;
  while (i < json->size() && ((*json)[i] == ' ' || (*json)[i] == '\t')) ++i;
  if (i >= json->size() || (*json)[i] != ':') return std::nullopt;
  ++i;
  while (i < json->size() && ((*json)[i] == ' ' || (*json)[i] == '\t')) ++i;
  if (i >= json->size() || (*json)[i] != '"') return std::nullopt;
  const auto end = json->find('"', i + 1);
  if (end == std::string::npos) return std::nullopt;
  std::string status = json->substr(i + 1, end - i - 1);
  if (status.empty() || status.size() > kMaxStatusLength) return std::nullopt;
  for (const char c : status)
    if (!isAsciiAlnum(c) && c != '-' && c != '.' && c != '_') return std::nullopt;
  return status;
}

}  // namespace postern::relay
