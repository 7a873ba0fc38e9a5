// Session::Impl — AUTH (RFC 4954). Nothing from the exchange itself (base64 text, decoded responses,
// passwords) is ever logged: only the mechanism and the login (DESIGN.md "Secrets"), the login as one
// core::logValue() since a client chooses it. The mechanism is one the authenticator offered.
#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "smtp/command_parser.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

using core::Reply;

namespace {
Reply temporaryFailure() { return Reply(454, "4.7.0", "Temporary authentication failure"); }

// The authenticator sits on C libraries and a database; a failure there is temporary for the client
// (454), never a dropped connection (DESIGN.md "Errors": unknown is temporary).
template <typename Call>
AuthOutcome guarded(Call call) {
  try {
    return call();
  } catch (const std::exception&) {
    return AuthOutcome{AuthOutcome::Status::Temporary, {}, {}};
  }
}
}  // namespace

void Session::Impl::auth(std::string_view argument) {
  if (!ehlo_) return reply(Reply(503, "5.5.1", "Send EHLO first"));  // AUTH is an ESMTP extension
  // RFC 4954 §4: not once authenticated, and never inside a mail transaction (which itself needs AUTH).
  if (authenticated_) return reply(Reply(503, "5.5.1", "Already authenticated"));
  const auto request = parseAuth(argument);
  if (!request.ok()) return reply(request.error());
  const std::string& mechanism = request.value().mechanism;
  const auto offered = services_.authenticator.mechanisms();
  if (std::find(offered.begin(), offered.end(), mechanism) == offered.end())
    return reply(Reply(504, "5.5.4", "Unrecognized authentication type"));

  std::optional<std::string> initial;
  if (const auto& text = request.value().initialResponse) {
    if (*text == "=") {
      initial = std::string();  // RFC 4954 §4: "=" is an empty initial response
    } else {
      initial = core::base64Decode(*text);
      if (!initial) {
        services_.authenticator.reset();
        return reply(Reply(501, "5.5.2", "Invalid base64 data"));
      }
    }
  }
  authMechanism_ = mechanism;
  authOutcome(guarded([&] { return services_.authenticator.start(mechanism, initial); }));
}

void Session::Impl::authResponse(const std::string& line) {
  if (line == "*") {  // RFC 4954 §4: the client cancels the exchange
    services_.authenticator.reset();
    enter(SessionState::Greeted);
    return reply(Reply(501, "5.0.0", "Authentication cancelled"));
  }
  const auto decoded = core::base64Decode(line);
  if (!decoded) {
    services_.authenticator.reset();
    enter(SessionState::Greeted);
    return reply(Reply(501, "5.5.2", "Invalid base64 data"));
  }
  authOutcome(guarded([&] { return services_.authenticator.step(*decoded); }));
}

void Session::Impl::authOutcome(const AuthOutcome& outcome) {
  using Status = AuthOutcome::Status;
  if (outcome.status == Status::Continue) {
    enter(SessionState::Auth);
    return reply(Reply(334, "", core::base64Encode(outcome.challenge)));
  }
  enter(SessionState::Greeted);
  switch (outcome.status) {
    case Status::Continue:
      break;
    case Status::Success: {
      mail::AllowedSenders senders;
      try {
        senders = services_.senders.sendersFor(outcome.login);
      } catch (const std::exception& e) {  // the store failed: unknown is temporary (DESIGN.md "Errors")
        services_.authenticator.reset();
        out_.log(LogLevel::Error, "auth",
                 "sender lookup failed for login=" + core::logValue(outcome.login) + ": " +
                     core::logValue(e.what()));
        countAuth(SessionEvents::Auth::Error);
        return reply(temporaryFailure());
      }
      authenticated_ = true;
      login_ = outcome.login;
      senders_ = std::move(senders);
      out_.log(LogLevel::Info, "auth",
               "login=" + core::logValue(login_) + " mechanism=" + authMechanism_ + " succeeded");
      countAuth(SessionEvents::Auth::Success);
      return reply(Reply(235, "2.7.0", "Authentication successful"));
    }
    case Status::Failure:
    case Status::AuthzRefused:
      return authFailed(outcome);
    case Status::Malformed:
      services_.authenticator.reset();
      return reply(Reply(501, "5.5.2", "Malformed authentication response"));
    case Status::NoMechanism:
      services_.authenticator.reset();
      return reply(Reply(504, "5.5.4", "Unrecognized authentication type"));
    case Status::Temporary:
      services_.authenticator.reset();
      out_.log(LogLevel::Warning, "auth", "temporary failure, mechanism=" + authMechanism_);
      countAuth(SessionEvents::Auth::Error);
      return reply(temporaryFailure());
  }
}

void Session::Impl::authFailed(const AuthOutcome& outcome) {
  services_.authenticator.reset();
  ++authFailures_;
  // The login of a failed attempt is whatever the client typed.
  const std::string who = outcome.login.empty() ? "" : "login=" + core::logValue(outcome.login) + " ";
  const char* what =
      outcome.status == AuthOutcome::Status::AuthzRefused ? "authorization identity refused" : "failed";
  out_.log(LogLevel::Warning, "auth", who + "mechanism=" + authMechanism_ + " " + what);
  countAuth(SessionEvents::Auth::Failure);
  // The same delay and reply for an unknown user and a wrong password, so neither can be told apart.
  out_.pause(config_.authFailureDelay);
  reply(Reply(535, "5.7.8", "Authentication credentials invalid"));
  if (authFailures_ >= config_.maxAuthFailures)
    reply(Reply(421, "4.7.0", "Too many failed authentication attempts", true));
}

}  // namespace postern::smtp
