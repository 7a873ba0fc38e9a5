// ClientSession's AUTH (RFC 4954): exactly the configured mechanism or nothing. A smarthost that offers
// something else, or no AUTH, gets no credentials and no message (no downgrade, no unauthenticated MAIL).
#include <Poco/Logger.h>

#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "relay/client_session.h"
#include "relay/oauth_sasl.h"

namespace postern::relay {

namespace {

constexpr std::size_t kMaxShownLength = 300;  // of texts from the token source or the server's AUTH list

std::string shortened(std::string text) {
  if (text.size() > kMaxShownLength) text = text.substr(0, kMaxShownLength) + "...";
  return text;
}

}  // namespace

void ClientSession::fetchToken() {
  const std::string prefix = "4.7.0 OAuth token unavailable: ";
  std::string reason;
  try {
    token_ = settings_.auth.accessToken();
  } catch (const core::Error& e) {
    reason = shortened(core::printable(e.what()));  // the token source promises a text that is safe to show
  } catch (const std::exception& e) {
    logger_.warning("event=oauth-token-unavailable smarthost=" + name_ +
                    " detail=" + core::logValue(shortened(e.what())));
    reason = "the token source failed (details in the log)";
  } catch (...) {
    reason = "the token source failed";
  }
  if (reason.empty() && !isBearerToken(token_))
    reason =
        token_.empty() ? "the token source returned no token" : "the token source returned a malformed token";
  if (!reason.empty()) {
    token_.clear();
    logger_.warning("event=oauth-token-unavailable smarthost=" + name_ + " reason=" + core::logValue(reason));
    throw TokenUnavailable(prefix + reason);
  }
  secrets_.push_back(token_);
}

void ClientSession::authenticate() {
  // RFC 4954 §4 leaves this to policy; ours: credentials only ever travel inside TLS.
  if (!transport_.secure()) refuse("refusing to send credentials without TLS");
  // RFC 4954 §3: AUTH is an EHLO extension; a HELO-only server gets no credentials and no mail.
  if (heloOnly_ && settings_.auth.mechanism != AuthMechanism::None)
    refuse(heloOnlyNote() + " (the route requires AUTH " + mechanismName(settings_.auth.mechanism) + ")");
  const AuthOptions& auth = settings_.auth;
  ServerReply reply;
  OAuthReply oauth;
  switch (auth.mechanism) {
    case AuthMechanism::None:
      return;
    case AuthMechanism::Password: {
      // PLAIN needs one round trip (RFC 4616 with the RFC 4954 initial response); LOGIN is the fallback
      // that older servers offer alone. Both send the same password, so neither is a downgrade.
      const bool plain = extensions_.authMechanisms.count("PLAIN") > 0;
      if (!plain && extensions_.authMechanisms.count("LOGIN") == 0)
        refuse("smarthost " + name_ + " does not offer AUTH PLAIN or LOGIN");
      authUsed_ = plain ? "PLAIN" : "LOGIN";
      reply = passwordExchange(authUsed_);
      break;
    }
    case AuthMechanism::XOAuth2:
      requireOffered("XOAUTH2");
      authUsed_ = "XOAUTH2";
      // Google and Microsoft: after an error challenge the client sends an empty response.
      oauth = oauthExchange(authUsed_, xoauth2Response(auth.username, token_), "");
      reply = oauth.reply;
      break;
    case AuthMechanism::OAuthBearer:
      requireOffered("OAUTHBEARER");
      authUsed_ = "OAUTHBEARER";
      // RFC 7628 §3.2.3: the client answers the error challenge with a single %x01 ("AQ==").
      oauth = oauthExchange(
          authUsed_, oauthBearerResponse(auth.username, endpoint_.host, endpoint_.port, token_), "AQ==");
      reply = oauth.reply;
      break;
  }
  // A connection authenticates once; the token stays only in the redaction list.
  const std::string token = std::exchange(token_, std::string());
  if (reply.code == 235) return;
  authUsed_.clear();
  std::string why = "authentication to smarthost " + name_ + " failed: " + redact(reply.oneLine());
  const bool oauthMechanism =
      auth.mechanism == AuthMechanism::XOAuth2 || auth.mechanism == AuthMechanism::OAuthBearer;
  // A 5xx (Microsoft answers 535 at once) or an error challenge (Google, RFC 7628) means this token will
  // not do: the token source should fetch a new one for the next connection. A 4xx is the server's
  // trouble, not the token's.
  if (oauthMechanism && (oauth.errorChallenge || reply.permanent())) {
    if (!oauth.status.empty()) why += " (OAuth error status " + oauth.status + ")";
    tokenRejected(token);
  }
  refuse(why);
}

void ClientSession::requireOffered(std::string_view mechanism) {
  if (extensions_.authMechanisms.count(std::string(mechanism)) > 0) return;
  std::string offered;
  for (const std::string& m : extensions_.authMechanisms) offered += (offered.empty() ? "" : " ") + m;
  if (offered.empty())
    refuse("smarthost " + name_ + " does not offer AUTH " + std::string(mechanism) +
           " (offers no AUTH at all); not sending without authentication");
  refuse("smarthost " + name_ + " does not offer AUTH " + std::string(mechanism) + " (offers " +
         shortened(offered) + "); not sending with a weaker mechanism");
}

ServerReply ClientSession::passwordExchange(std::string_view mechanism) {
  const AuthOptions& auth = settings_.auth;
  const Deadline deadline = deadlineIn(settings_.commandTimeout);
  const std::string phase = "authenticating";
  std::vector<std::string> responses;
  if (mechanism == "PLAIN") {
    const std::string blob = core::base64Encode(std::string(1, '\0') + auth.username + '\0' + auth.password);
    writeSecret("AUTH PLAIN " + blob, deadline);
    responses.push_back(blob);  // for a server that ignores the initial response and asks with 334
  } else {
    write("AUTH LOGIN\r\n", phase, deadline);
    responses.push_back(core::base64Encode(auth.username));
    responses.push_back(core::base64Encode(auth.password));
  }
  ServerReply reply = readReply(phase, deadline);
  std::size_t next = 0;
  while (reply.code == 334) {
    if (next >= responses.size()) {
      writeSecret("*", deadline);  // RFC 4954 §4: cancel an exchange that asks for more than we have
      return readReply(phase, deadline);
    }
    writeSecret(responses[next++], deadline);
    reply = readReply(phase, deadline);
  }
  return reply;
}

ClientSession::OAuthReply ClientSession::oauthExchange(std::string_view mechanism,
                                                       const std::string& initialResponse,
                                                       std::string_view afterErrorChallenge) {
  const Deadline deadline = deadlineIn(settings_.commandTimeout);
  const std::string phase = "authenticating";
  const std::string blob = core::base64Encode(initialResponse);
  secrets_.push_back(blob);
  // RFC 4954 §4: the initial response rides on the AUTH line (the line may exceed 512 octets; servers
  // must take 12288).
  writeSecret("AUTH " + std::string(mechanism) + " " + blob, deadline);
  OAuthReply out;
  out.reply = readReply(phase, deadline);
  if (out.reply.code == 334) {
    // RFC 7628 §3.2.2: a 334 here carries the server's JSON error; the exchange must be finished by the
    // client before the server sends its failure reply.
    out.errorChallenge = true;
    out.status = errorChallengeStatus(out.reply.lines.empty() ? "" : out.reply.lines.front()).value_or("");
    writeSecret(afterErrorChallenge, deadline);
    out.reply = readReply(phase, deadline);
    if (out.reply.code == 334) {
      writeSecret("*", deadline);  // RFC 4954 §4: cancel a server that keeps asking
      out.reply = readReply(phase, deadline);
    }
  }
  return out;
}

void ClientSession::tokenRejected(const std::string& token) noexcept {
  logger_.information("event=oauth-token-rejected smarthost=" + name_);
  // The hooks are advisory (the next token fetch decides): their failures change nothing here.
  if (settings_.auth.tokenRejected) {
    try {
      settings_.auth.tokenRejected();
    } catch (...) {
    }
  }
  if (settings_.auth.tokenRejectedFor) {
    try {
      settings_.auth.tokenRejectedFor(token);
    } catch (...) {
    }
  }
}

}  // namespace postern::relay
