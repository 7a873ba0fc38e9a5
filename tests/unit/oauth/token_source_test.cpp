// TokenSource with a scripted endpoint client and a fake clock: reuse, refresh margin, single flight,
// invalidation, back-off, status and refresh-token rotation — without sleeping.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>
#include <variant>

#include "oauth/token_source.h"
#include "secrets.h"
#include "support/fake_clock.h"

using namespace postern;
using namespace postern::oauth;
using namespace postern::test;
using namespace std::chrono_literals;

namespace {

using Outcome = std::variant<Token, OAuthError>;

// Answers from a queue of outcomes (tokens or errors), recording every request it gets.
class ScriptedClient final : public TokenEndpointClient {
 public:
  Token request(const TokenRequest& request, const core::Clock& clock) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    BOOST_REQUIRE_MESSAGE(!outcomes_.empty(), "unexpected token request");
    Outcome outcome = outcomes_.front();
    outcomes_.pop_front();
    if (auto* error = std::get_if<OAuthError>(&outcome)) throw *error;
    Token token = std::get<Token>(outcome);
    token.expiresAt = clock.now() + lifetimes_.front();
    lifetimes_.pop_front();
    return token;
  }
  void token(std::string accessToken, std::chrono::seconds lifetime = 3600s, std::string refreshToken = {}) {
    std::lock_guard lock(mutex_);
    outcomes_.push_back(Token{std::move(accessToken), {}, std::move(refreshToken)});
    lifetimes_.push_back(lifetime);
  }
  void error(OAuthError error) {
    std::lock_guard lock(mutex_);
    outcomes_.push_back(std::move(error));
  }
  std::size_t calls() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  TokenRequest last() const {
    std::lock_guard lock(mutex_);
    return requests_.back();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Outcome> outcomes_;
  std::deque<std::chrono::seconds> lifetimes_;
  std::vector<TokenRequest> requests_;
};

TokenRequest refreshRequest() {
  TokenRequest request;
  request.tokenEndpoint = "https://login.example/token";
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  request.grant = Grant::RefreshToken;
  request.refreshToken = kRefreshToken;
  return request;
}

struct SourceFixture {
  FakeClock clock;
  std::shared_ptr<ScriptedClient> client = std::make_shared<ScriptedClient>();
  std::vector<std::string> rotated;
  TokenSource source{refreshRequest(), client, clock, [this](const std::string& t) { rotated.push_back(t); }};

  OAuthError failure() {
    return requireOAuthError([&] { source.accessToken(); });
  }
};

const OAuthError kUnavailable =
    OAuthError::temporary("token endpoint login.example answered 503 Service Unavailable");
const OAuthError kInvalidGrant = OAuthError::permanent(
    "token endpoint login.example answered 400 invalid_grant: AADSTS70000", "invalid_grant");

}  // namespace

BOOST_FIXTURE_TEST_SUITE(token_source, SourceFixture)

BOOST_AUTO_TEST_CASE(reuses_a_token_while_more_than_ten_percent_of_its_hour_remains) {
  client->token(kAccessToken, 3600s);
  client->token(kSecondAccessToken, 3600s);
  BOOST_TEST(source.accessToken() == kAccessToken);
  clock.advance(3600s - 360s - 1s);  // 6 min (10 %) + 1 s left
  BOOST_TEST(source.accessToken() == kAccessToken);
  BOOST_TEST(client->calls() == 1u);
  clock.advance(1s);
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
  BOOST_TEST(client->calls() == 2u);
}

BOOST_AUTO_TEST_CASE(refreshes_at_least_five_minutes_before_expiry) {
  client->token(kAccessToken, 1800s);  // 10 % would be 3 min
  client->token(kSecondAccessToken, 1800s);
  source.accessToken();
  clock.advance(1800s - 300s - 1s);
  BOOST_TEST(source.accessToken() == kAccessToken);
  clock.advance(1s);
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
}

BOOST_AUTO_TEST_CASE(a_short_lived_token_is_reused_for_half_its_life) {
  client->token(kAccessToken, 240s);
  client->token(kSecondAccessToken, 240s);
  source.accessToken();
  clock.advance(119s);
  BOOST_TEST(source.accessToken() == kAccessToken);
  clock.advance(1s);
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
}

BOOST_AUTO_TEST_CASE(sends_the_configured_request) {
  client->token(kAccessToken);
  source.accessToken();
  const TokenRequest sent = client->last();
  BOOST_TEST(sent.refreshToken == kRefreshToken);
  BOOST_TEST(sent.clientSecret == kClientSecret);
  BOOST_TEST(sent.tokenEndpoint == "https://login.example/token");
}

BOOST_AUTO_TEST_CASE(invalidate_forces_a_refresh) {
  client->token(kAccessToken);
  client->token(kSecondAccessToken);
  BOOST_TEST(source.accessToken() == kAccessToken);
  source.invalidate();
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
  BOOST_TEST(client->calls() == 2u);
}

BOOST_AUTO_TEST_CASE(invalidating_a_token_that_was_already_replaced_keeps_the_new_one) {
  client->token(kAccessToken);
  client->token(kSecondAccessToken);
  const std::string first = source.accessToken();
  source.invalidate(first);
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
  source.invalidate(first);  // a late rejection of the old token
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
  BOOST_TEST(client->calls() == 2u);
}

BOOST_AUTO_TEST_CASE(eight_threads_share_one_request) {
  // The client holds its answer until all eight callers have started, so the others arrive while the
  // request is in flight (or, if a thread is slow to start, after it: then the token is cached).
  class GatedClient final : public TokenEndpointClient {
   public:
    Token request(const TokenRequest&, const core::Clock& clock) override {
      ++calls;
      std::unique_lock lock(mutex);
      gate.wait_for(lock, 10s, [this] { return started == 8; });
      return Token{kAccessToken, clock.now() + 3600s, {}};
    }
    std::atomic<int> calls{0};
    std::mutex mutex;
    std::condition_variable gate;
    int started = 0;
  };
  auto gated = std::make_shared<GatedClient>();
  TokenSource shared(refreshRequest(), gated, clock);
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      {
        std::lock_guard lock(gated->mutex);
        ++gated->started;
      }
      gated->gate.notify_all();
      results[static_cast<std::size_t>(i)] = shared.accessToken();
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(gated->calls.load() == 1);
  for (const auto& r : results) BOOST_TEST(r == kAccessToken);
}

BOOST_AUTO_TEST_CASE(a_failure_is_rethrown_during_the_back_off_without_asking_again) {
  client->error(kUnavailable);
  const OAuthError first = failure();
  BOOST_TEST(first.temporary());
  clock.advance(29s);
  const OAuthError again = failure();
  BOOST_TEST(std::string(again.what()) == first.what());
  BOOST_TEST(client->calls() == 1u);
  clock.advance(1s);  // 30 s: asked again
  client->error(kUnavailable);
  failure();
  BOOST_TEST(client->calls() == 2u);
  clock.advance(59s);  // the back-off doubled to 60 s
  failure();
  BOOST_TEST(client->calls() == 2u);
  clock.advance(1s);
  client->token(kAccessToken);
  BOOST_TEST(source.accessToken() == kAccessToken);
  BOOST_TEST(client->calls() == 3u);
}

BOOST_AUTO_TEST_CASE(the_back_off_grows_to_five_minutes_and_a_success_resets_it) {
  for (const auto wait : {30s, 60s, 120s, 240s, 300s, 300s}) {
    client->error(kUnavailable);
    failure();
    clock.advance(wait - 1s);
    failure();  // still backing off: no request
    clock.advance(1s);
  }
  BOOST_TEST(client->calls() == 6u);
  client->token(kAccessToken, 60s);  // short-lived: due again after 30 s
  source.accessToken();
  clock.advance(30s);
  client->error(kUnavailable);
  failure();
  clock.advance(30s);  // the first back-off again, not 5 min
  client->token(kSecondAccessToken);
  BOOST_TEST(source.accessToken() == kSecondAccessToken);
}

BOOST_AUTO_TEST_CASE(a_permanent_failure_stays_permanent_when_rethrown) {
  client->error(kInvalidGrant);
  BOOST_TEST(!failure().temporary());
  const OAuthError cached = failure();
  BOOST_TEST(!cached.temporary());
  BOOST_TEST(cached.code() == "invalid_grant");
  BOOST_TEST(client->calls() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_early_refresh_keeps_using_the_old_token_while_it_lasts) {
  client->token(kAccessToken, 3600s);
  source.accessToken();
  clock.advance(3300s);  // 5 min left: due for a refresh
  client->error(kUnavailable);
  BOOST_TEST(source.accessToken() == kAccessToken);
  BOOST_TEST(client->calls() == 2u);
  BOOST_TEST(static_cast<int>(source.status().state) ==
             static_cast<int>(TokenSource::Status::State::Failing));
  clock.advance(29s);
  BOOST_TEST(source.accessToken() == kAccessToken);  // still in back-off, old token still good
  BOOST_TEST(client->calls() == 2u);
}

BOOST_AUTO_TEST_CASE(an_invalidated_token_is_not_used_as_a_fallback) {
  client->token(kAccessToken, 3600s);
  source.accessToken();
  source.invalidate();
  client->error(kUnavailable);
  failure();
  BOOST_TEST(client->calls() == 2u);
}

BOOST_AUTO_TEST_CASE(invalidate_does_not_cut_the_back_off_short) {
  client->error(kUnavailable);
  failure();
  source.invalidate();
  failure();
  BOOST_TEST(client->calls() == 1u);
}

BOOST_AUTO_TEST_CASE(status_reports_unused_valid_and_failing) {
  using State = TokenSource::Status::State;
  BOOST_TEST(static_cast<int>(source.status().state) == static_cast<int>(State::Unused));
  client->token(kAccessToken, 3600s);
  const auto fetchedAt = clock.now();
  source.accessToken();
  auto status = source.status();
  BOOST_TEST(static_cast<int>(status.state) == static_cast<int>(State::Valid));
  BOOST_CHECK(status.validUntil == fetchedAt + 3600s);
  BOOST_TEST(status.lastError.empty());
  source.invalidate();
  client->error(kInvalidGrant);
  clock.advance(10s);
  const auto failedAt = clock.now();
  failure();
  clock.advance(40s);
  client->error(kInvalidGrant);
  failure();
  status = source.status();
  BOOST_TEST(static_cast<int>(status.state) == static_cast<int>(State::Failing));
  BOOST_CHECK(status.failingSince == failedAt);
  BOOST_CHECK(status.nextAttempt == clock.now() + 60s);
  BOOST_TEST(status.lastError == kInvalidGrant.what());
  requireNoSecret(status.lastError);
  clock.advance(60s);
  client->token(kSecondAccessToken);
  source.accessToken();
  BOOST_TEST(static_cast<int>(source.status().state) == static_cast<int>(State::Valid));
}

BOOST_AUTO_TEST_CASE(a_rotated_refresh_token_is_reported_once_and_used_next_time) {
  client->token(kAccessToken, 3600s, kRotatedRefreshToken);
  client->token(kSecondAccessToken, 3600s, kRotatedRefreshToken);  // the same again: no news
  source.accessToken();
  BOOST_TEST_REQUIRE(rotated.size() == 1u);
  BOOST_TEST(rotated[0] == kRotatedRefreshToken);
  source.invalidate();
  source.accessToken();
  BOOST_TEST(client->last().refreshToken == kRotatedRefreshToken);
  BOOST_TEST(rotated.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_rotation_callback_runs_outside_the_lock) {
  client->token(kAccessToken, 3600s, kRotatedRefreshToken);
  bool sawValid = false;
  TokenSource* self = nullptr;
  TokenSource withStatus(refreshRequest(), client, clock, [&](const std::string&) {
    sawValid = self->status().state == TokenSource::Status::State::Valid;  // would deadlock under the lock
  });
  self = &withStatus;
  BOOST_TEST(withStatus.accessToken() == kAccessToken);
  BOOST_TEST(sawValid);
}

BOOST_AUTO_TEST_CASE(a_throwing_rotation_callback_does_not_lose_the_token) {
  client->token(kAccessToken, 3600s, kRotatedRefreshToken);
  TokenSource throwing(refreshRequest(), client, clock, [](const std::string& t) {
    throw std::runtime_error("disk full while storing " + t);
  });
  BOOST_TEST(throwing.accessToken() == kAccessToken);
}

BOOST_AUTO_TEST_CASE(a_misbehaving_client_becomes_a_safe_temporary_error) {
  class ThrowingClient final : public TokenEndpointClient {
   public:
    Token request(const TokenRequest& r, const core::Clock&) override {
      throw std::runtime_error("boom with " + r.clientSecret + " and " + r.refreshToken);
    }
  };
  TokenSource broken(refreshRequest(), std::make_shared<ThrowingClient>(), clock);
  const OAuthError e = requireOAuthError([&] { broken.accessToken(); });
  BOOST_TEST(e.temporary());
  BOOST_TEST(std::string(e.what()) == "token request failed: boom with [redacted] and [redacted]");
}

BOOST_AUTO_TEST_SUITE_END()
