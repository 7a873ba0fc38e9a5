// The OAuth token endpoint's answer (RFC 6749 §5.1/§5.2): an HTTP status, reason phrase and body from the
// input, with two request secrets (client secret, refresh token) taken from it too.
// Properties: either a Token with an RFC 6750 bearer access token, a refresh token free of control
// characters and an expiry not before the request, or an OAuthError whose text is printable ASCII and holds
// no request secret. The secrets carry prefixes ("CS-", "RT-") that no fixed text of an error has, so a
// secret found in an error came from the answer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "oauth/oauth_error.h"
#include "oauth/token_response.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

constexpr int kStatuses[] = {200, 200, 200, 400, 401, 403, 408, 429, 500, 503, 302, 204, 0, 999};

bool printableAscii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  oauth::EndpointAnswer answer;
  answer.status = kStatuses[in.byte() % std::size(kStatuses)];
  const std::string clientSecret = "CS-" + std::string(in.until('\n'));
  const std::string refreshToken = "RT-" + std::string(in.until('\n'));
  answer.reason = std::string(in.until('\n'));
  answer.body = std::string(in.rest());
  const std::vector<std::string_view> secrets{clientSecret, refreshToken};
  const auto requestedAt = std::chrono::system_clock::time_point(std::chrono::seconds(1796059673));

  try {
    const oauth::Token token = oauth::parseTokenAnswer(answer, "login.example.com", requestedAt, secrets);
    FUZZ_CHECK(answer.status == 200, escaped(answer.body));
    FUZZ_CHECK(!token.accessToken.empty(), escaped(answer.body));
    FUZZ_CHECK(token.expiresAt >= requestedAt, escaped(answer.body));
    for (const char c : token.accessToken)
      FUZZ_CHECK(c != ' ' && static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f,
                 escaped(token.accessToken));
    for (const char c : token.refreshToken)
      FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, escaped(token.refreshToken));
  } catch (const oauth::OAuthError& e) {
    const std::string what = e.what();
    FUZZ_CHECK(printableAscii(what), escaped(what));
    for (const auto secret : secrets)
      if (secret.size() >= 4) FUZZ_CHECK(what.find(secret) == std::string::npos, escaped(what));
    if (e.severity() == core::Severity::Permanent)
      FUZZ_CHECK(answer.status >= 400 && answer.status < 500 && oauth::errorNeedsAdmin(e.code()),
                 escaped(what));
  }
  return 0;
}
