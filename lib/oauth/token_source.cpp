#include "oauth/token_source.h"

#include <Poco/Logger.h>

#include <algorithm>

namespace postern::oauth {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// When a token fetched at requestedAt should be replaced: while more than max(5 min, 10 % of its lifetime)
// remains it is reused; the margin never exceeds half the lifetime, so short-lived tokens are reused too.
TimePoint refreshTime(TimePoint requestedAt, TimePoint expiresAt) {
  const auto lifetime = std::max(expiresAt - requestedAt, TimePoint::duration::zero());
  const auto margin = std::min<TimePoint::duration>(
      std::max<TimePoint::duration>(TokenSource::kMinimumMargin, lifetime / 10), lifetime / 2);
  return expiresAt - margin;
}

}  // namespace

TokenSource::TokenSource(TokenRequest request, std::shared_ptr<TokenEndpointClient> client,
                         const core::Clock& clock,
                         std::function<void(const std::string&)> onRefreshTokenRotated)
    : client_(std::move(client)),
      clock_(clock),
      onRefreshTokenRotated_(std::move(onRefreshTokenRotated)),
      request_(std::move(request)) {}

std::optional<std::string> TokenSource::usableToken(TimePoint now) const {
  if (!token_) return std::nullopt;
  if (now < refreshAt_) return token_->accessToken;
  // Due for a refresh, but the endpoint is failing and in back-off: the old token still works for a while.
  if (lastError_ && now < retryAt_ && token_->expiresAt - now > kStillUsable) return token_->accessToken;
  return std::nullopt;
}

std::string TokenSource::accessToken() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const TimePoint now = clock_.now();
    if (auto token = usableToken(now)) return *token;
    if (lastError_ && now < retryAt_) throw *lastError_;
    if (!refreshing_) break;
    // Single flight: wait for the request in progress, then look again (it may have failed).
    refreshed_.wait(lock, [this] { return !refreshing_; });
  }
  refreshing_ = true;
  const TokenRequest request = request_;
  lock.unlock();

  const TimePoint requestedAt = clock_.now();
  std::optional<OAuthError> failure;
  try {
    Token token = client_->request(request, clock_);
    lock.lock();
    return finishSuccess(std::move(token), requestedAt, lock);
  } catch (const OAuthError& e) {
    failure = e;
  } catch (const std::exception& e) {
    // A substitute client broke its contract; the text is still kept safe.
    failure = OAuthError::temporary("token request failed: " +
                                    safeText(e.what(), {request.clientSecret, request.refreshToken}));
  } catch (...) {
    failure = OAuthError::temporary("token request failed: unknown error");
  }
  if (!lock.owns_lock()) lock.lock();
  if (auto fallback = finishFailure(*failure, lock)) return *fallback;
  throw *failure;
}

std::string TokenSource::finishSuccess(Token token, TimePoint requestedAt,
                                       std::unique_lock<std::mutex>& lock) {
  const bool rotated = !token.refreshToken.empty() && token.refreshToken != request_.refreshToken;
  if (rotated) request_.refreshToken = token.refreshToken;
  refreshAt_ = refreshTime(requestedAt, token.expiresAt);
  const std::string accessToken = token.accessToken;
  const std::string newRefreshToken = rotated ? token.refreshToken : std::string();
  token.refreshToken.clear();
  token_ = std::move(token);
  lastError_.reset();
  backoff_ = std::chrono::seconds(0);
  refreshing_ = false;
  lock.unlock();
  refreshed_.notify_all();
  if (rotated && onRefreshTokenRotated_) {
    try {
      onRefreshTokenRotated_(newRefreshToken);
    } catch (const std::exception& e) {
      Poco::Logger::get("oauth").error(
          "storing the rotated refresh token failed: " +
          safeText(e.what(), {newRefreshToken, request_.clientSecret, accessToken}));
    } catch (...) {
      Poco::Logger::get("oauth").error("storing the rotated refresh token failed");
    }
  }
  return accessToken;
}

std::optional<std::string> TokenSource::finishFailure(const OAuthError& error,
                                                      std::unique_lock<std::mutex>& lock) {
  const TimePoint now = clock_.now();
  if (!lastError_) failingSince_ = now;
  backoff_ = backoff_ == std::chrono::seconds(0) ? kFirstBackoff : std::min(backoff_ * 2, kMaximumBackoff);
  retryAt_ = now + backoff_;
  lastError_ = error;
  refreshing_ = false;
  // The caller that made the request gets the old token too, if it is still good (see the header).
  std::optional<std::string> fallback = usableToken(now);
  lock.unlock();
  refreshed_.notify_all();
  return fallback;
}

void TokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  token_.reset();
}

void TokenSource::invalidate(std::string_view rejectedToken) {
  std::lock_guard lock(mutex_);
  if (token_ && token_->accessToken == rejectedToken) token_.reset();
}

TokenSource::Status TokenSource::status() const {
  std::lock_guard lock(mutex_);
  Status status;
  const TimePoint now = clock_.now();
  if (token_ && token_->expiresAt > now) status.validUntil = token_->expiresAt;
  if (lastError_) {
    status.state = Status::State::Failing;
    status.failingSince = failingSince_;
    status.nextAttempt = retryAt_;
    status.lastError = lastError_->what();
  } else if (token_ && token_->expiresAt > now) {
    status.state = Status::State::Valid;
  }
  return status;
}

}  // namespace postern::oauth
