// oauth::TokenSource — the access token for one smarthost credential: cached, refreshed before it expires,
// fetched by one thread at a time, and not fetched again too soon after a failure.
//
// Owns: the cached token, the current refresh token (replaced when the endpoint rotates it), the refresh
// schedule and the failure back-off. Must not know: HTTP (TokenEndpointClient does that), SMTP, storage
// (a rotated refresh token is handed to onRefreshTokenRotated; persisting it is the caller's business).
//
// Rules:
// - A token is reused while more than max(5 min, 10 % of its lifetime) of it remains; for tokens that
//   live less than 10 minutes the margin is capped at half the lifetime, so that they are still reused.
// - At most one request is in flight; other callers wait for its outcome instead of sending their own.
// - After a failure, calls during the back-off (30 s, doubling up to 5 min, reset by a success) rethrow the
//   same OAuthError without contacting the endpoint. If the previous token has more than 1 min of life
//   left (and was not invalidated), it is still handed out instead: a refresh that fails early does not
//   stop mail while the old token works. invalidate() does not shorten the back-off, so a smarthost that
//   rejects every token cannot make Postern hammer the endpoint.
// - invalidate() drops the cached token: the next accessToken() fetches a new one.
// - onRefreshTokenRotated runs outside the lock, on the thread that made the request, after the new refresh
//   token is in use; it must not call back into this TokenSource's accessToken(). Exceptions from it are
//   caught and logged (without the token) on the "oauth" logger.
//
// Thread-safety: every member function may be called from any thread. The clock and the client must
// outlive the TokenSource.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "oauth/oauth_error.h"
#include "oauth/token.h"
#include "oauth/token_endpoint_client.h"

namespace postern::oauth {

class TokenSource {
 public:
  static constexpr std::chrono::seconds kMinimumMargin{5 * 60};
  static constexpr std::chrono::seconds kFirstBackoff{30};
  static constexpr std::chrono::seconds kMaximumBackoff{5 * 60};
  static constexpr std::chrono::seconds kStillUsable{60};

  TokenSource(TokenRequest request, std::shared_ptr<TokenEndpointClient> client, const core::Clock& clock,
              std::function<void(const std::string&)> onRefreshTokenRotated = {});
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // A usable access token (from the cache or freshly fetched); throws OAuthError.
  std::string accessToken();

  // The smarthost rejected the cached token: fetch a new one next time.
  void invalidate();
  // As invalidate(), but only if rejectedToken is still the cached one — another thread may already have
  // replaced it, and that newer token should not be thrown away.
  void invalidate(std::string_view rejectedToken);

  struct Status {
    enum class State { Unused, Valid, Failing } state = State::Unused;
    std::chrono::system_clock::time_point validUntil;    // Valid, or Failing with an older token still cached
    std::chrono::system_clock::time_point failingSince;  // Failing: the first failure of this run of failures
    std::chrono::system_clock::time_point nextAttempt;   // Failing: when the endpoint will be asked again
    std::string lastError;                               // Failing: the OAuthError's what() (safe to show)
  };
  // For the CLI and the admin UI: Unused (never fetched), Valid (a cached token until validUntil), Failing
  // (the last request failed). A token that expired or was invalidated shows as Unused until the next
  // request.
  Status status() const;

 private:
  std::optional<std::string> usableToken(std::chrono::system_clock::time_point now) const;
  std::string finishSuccess(Token token, std::chrono::system_clock::time_point requestedAt,
                            std::unique_lock<std::mutex>& lock);
  // Records the failure and starts the back-off; returns the previous token if it may still be used.
  std::optional<std::string> finishFailure(const OAuthError& error, std::unique_lock<std::mutex>& lock);

  const std::shared_ptr<TokenEndpointClient> client_;
  const core::Clock& clock_;
  const std::function<void(const std::string&)> onRefreshTokenRotated_;

  mutable std::mutex mutex_;
  std::condition_variable refreshed_;
  TokenRequest request_;  // refreshToken_ changes when the endpoint rotates it
  std::optional<Token> token_;
  std::chrono::system_clock::time_point refreshAt_;
  bool refreshing_ = false;
  std::optional<OAuthError> lastError_;
  std::chrono::system_clock::time_point failingSince_;
  std::chrono::system_clock::time_point retryAt_;
  std::chrono::seconds backoff_{0};
};

}  // namespace postern::oauth
