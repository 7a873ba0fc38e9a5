// The secrets every oauth test uses, and the check that no error text quotes them (the rule of DESIGN.md
// "Secrets": client secret, refresh token and access token never appear in logs or error texts).
#pragma once

#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <string_view>

#include "oauth/oauth_error.h"

namespace postern::test {

// Characters that need form-encoding, so that an encoded echo is caught too.
inline const std::string kClientSecret = "cl1ent~S3cret+/=&%é ok";
inline const std::string kRefreshToken = "0.AXoA-refresh*Token!one";
inline const std::string kRotatedRefreshToken = "0.AXoA-refresh*Token!two";
inline const std::string kAccessToken = "eyJ0eXAiOiJKV1Qi.access-token_value.42";
inline const std::string kSecondAccessToken = "eyJ0eXAiOiJKV1Qi.second-token_value.43";

inline void requireNoSecret(std::string_view text) {
  for (const std::string& secret : {kClientSecret, kRefreshToken, kRotatedRefreshToken, kAccessToken,
                                    kSecondAccessToken, std::string("default-access-token")}) {
    BOOST_TEST_INFO("error text: " << text);
    BOOST_CHECK(text.find(secret) == std::string_view::npos);
  }
  BOOST_CHECK(text.find("S3cret") == std::string_view::npos);
  BOOST_CHECK(text.find("refresh*Token") == std::string_view::npos);
  BOOST_CHECK(text.find("token_value") == std::string_view::npos);
}

// Runs f, which must throw OAuthError; checks its text for secrets and returns it.
template <typename F>
oauth::OAuthError requireOAuthError(F&& f) {
  try {
    f();
  } catch (const oauth::OAuthError& e) {
    requireNoSecret(e.what());
    return e;
  }
  BOOST_FAIL("expected an OAuthError");
  throw std::logic_error("unreachable");
}

}  // namespace postern::test
