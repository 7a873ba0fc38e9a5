#include "oauth/sasl_response.h"

#include "core/error.h"

namespace postern::oauth {

namespace {

constexpr char kSeparator = '\x01';

bool hasControl(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

// Never quotes the token: these errors may be logged.
void check(std::string_view user, std::string_view accessToken) {
  if (hasControl(user))
    throw core::Error::permanent("OAuth SASL response: the user name holds a control character");
  if (accessToken.empty()) throw core::Error::permanent("OAuth SASL response: no access token");
  if (hasControl(accessToken) || accessToken.find(' ') != std::string_view::npos)
    throw core::Error::permanent("OAuth SASL response: the access token holds a space or control character");
}

// RFC 5801 §4 saslname: ',' and '=' must be escaped in the authzid.
std::string saslName(std::string_view user) {
  std::string out;
  for (const char c : user) {
    if (c == ',')
      out += "=2C";
    else if (c == '=')
      out += "=3D";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string xoauth2Response(std::string_view user, std::string_view accessToken) {
  check(user, accessToken);
  std::string out = "user=";
  out += user;
  out += kSeparator;
  out += "auth=Bearer ";
  out += accessToken;
  out += kSeparator;
  out += kSeparator;
  return out;
}

std::string oauthBearerResponse(std::string_view user, std::string_view host, std::uint16_t port,
                                std::string_view accessToken) {
  check(user, accessToken);
  if (hasControl(host))
    throw core::Error::permanent("OAuth SASL response: the host holds a control character");
  // RFC 7628 §3.1: gs2-header kvsep *(kvpair) kvsep; gs2-header = "n," [ "a=" saslname ] ","
  std::string out = "n,";
  if (!user.empty()) out += "a=" + saslName(user);
  out += ',';
  out += kSeparator;
  out += "host=";
  out += host;
  out += kSeparator;
  out += "port=" + std::to_string(port);
  out += kSeparator;
  out += "auth=Bearer ";
  out += accessToken;
  out += kSeparator;
  out += kSeparator;
  return out;
}

}  // namespace postern::oauth
