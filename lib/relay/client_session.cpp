#include "relay/client_session.h"

#include "core/text.h"

namespace postern::relay {

namespace {

std::string trimCrlf(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

}  // namespace

ClientSession::ClientSession(const Endpoint& endpoint, std::size_t hostIndex, const SessionSettings& settings)
    : endpoint_(endpoint),
      hostIndex_(hostIndex),
      name_(endpoint.str()),
      settings_(settings),
      idleSince_(std::chrono::steady_clock::now()),
      logger_(Poco::Logger::get("relay")) {
  const AuthOptions& auth = settings_.auth;
  if (!auth.password.empty()) {
    secrets_.push_back(auth.password);
    secrets_.push_back(core::base64Encode(auth.password));
    secrets_.push_back(core::base64Encode(std::string(1, '\0') + auth.username + '\0' + auth.password));
  }
}

ClientSession::~ClientSession() { transport_.close(); }

std::unique_ptr<ClientSession> ClientSession::open(const Endpoint& endpoint, std::size_t hostIndex,
                                                   const SessionSettings& settings,
                                                   Poco::Net::Context::Ptr context, OpenProgress* progress) {
  std::unique_ptr<ClientSession> session(new ClientSession(endpoint, hostIndex, settings));
  session->progress_ = progress;
  const AuthMechanism mechanism = settings.auth.mechanism;
  // Before connecting: a token that cannot be had costs no connection, and is the same for every host.
  if (mechanism == AuthMechanism::XOAuth2 || mechanism == AuthMechanism::OAuthBearer) session->fetchToken();
  session->connect(context);
  if (settings.tls == TlsMode::StartTls) session->startTls(context);
  if (mechanism != AuthMechanism::None) {
    session->authenticate();
    if (progress) progress->authMechanism = session->authUsed_;
  }
  session->progress_ = nullptr;
  session->logger_.information(
      "event=connect smarthost=" + session->name_ +
      (session->transport_.secure()
           ? " tls=" + session->transport_.tlsVersion() + " cipher=" + session->transport_.tlsCipher()
           : std::string(" tls=none")) +
      (session->authUsed_.empty() ? "" : " auth=" + session->authUsed_));
  return session;
}

void ClientSession::connect(const Poco::Net::Context::Ptr& context) {
  // connectTimeout covers the DNS lookup, connect, the implicit-TLS handshake and the greeting together.
  const Deadline deadline = deadlineIn(settings_.connectTimeout);
  try {
    transport_.connect(endpoint_.host, endpoint_.port, deadline, settings_.lookup);
  } catch (const TransportError& e) {
    throw SessionError("connect to " + name_ + ": " + e.what());
  }
  if (progress_) progress_->connected = true;
  usable_ = true;  // in step with the server from here on: giving up says QUIT
  if (settings_.tls == TlsMode::Implicit) {
    try {
      transport_.startTls(context, endpoint_.host, deadline);  // RFC 8314 §3.3: TLS from the first byte
    } catch (const TransportError& e) {
      throw SessionError("TLS to " + name_ + " failed: " + e.what());
    }
    tlsEstablished();
  }
  greet(deadline);
  ehlo(deadlineIn(settings_.commandTimeout));
}

void ClientSession::greet(Deadline deadline) {
  const ServerReply greeting = readReply("receiving the initial greeting", deadline);
  // RFC 5321 §4.3.2: 220 or 554 (with 421 for a server that is closing); anything but 220 ends the attempt.
  if (greeting.code != 220) refuse("smarthost " + name_ + " greeted with: " + greeting.oneLine());
}

void ClientSession::ehlo(Deadline deadline) {
  write("EHLO " + settings_.heloName + "\r\n", "performing the EHLO handshake", deadline);
  const ServerReply reply = readReply("performing the EHLO handshake", deadline);
  if (reply.positive()) {
    extensions_ = Extensions::parse(reply);
    heloOnly_ = false;
    return;
  }
  // RFC 5321 §3.2 and §4.1.1.1: a server that does not know EHLO (500/502; in practice any 5xx) is
  // greeted with HELO on the same connection, and offers no extension. A 4xx is a temporary refusal.
  if (!reply.permanent() || !usable()) refuse("smarthost " + name_ + " rejected EHLO: " + reply.oneLine());
  const ServerReply helo =
      command("HELO " + settings_.heloName, "performing the HELO handshake", settings_.commandTimeout);
  if (!helo.positive())
    refuse("smarthost " + name_ + " rejected EHLO (" + reply.oneLine() + ") and HELO: " + helo.oneLine());
  extensions_ = Extensions{};
  heloOnly_ = true;
  logger_.information("event=helo-fallback smarthost=" + name_ +
                      " reason=" + core::logValue(reply.oneLine()));
}

std::string ClientSession::heloOnlyNote() const {
  return "smarthost " + name_ + " refused EHLO and answered HELO; it offers no STARTTLS/AUTH";
}

void ClientSession::startTls(const Poco::Net::Context::Ptr& context) {
  // Never a downgrade: a HELO-only server cannot start TLS, so nothing is sent in the clear.
  if (heloOnly_) refuse(heloOnlyNote() + " (the route requires STARTTLS)");
  if (!extensions_.startTls) refuse("smarthost " + name_ + " does not offer STARTTLS; relay.tls requires it");
  const ServerReply reply = command("STARTTLS", "starting TLS", settings_.commandTimeout);
  if (reply.code != 220) refuse("smarthost " + name_ + " refused STARTTLS: " + reply.oneLine());
  // RFC 3207 §5 (and CVE-2011-0411 in reverse): anything read after the 220 came in plaintext and
  // could have been injected; no reply from before the handshake may be trusted after it.
  if (transport_.buffered() > 0)
    refuse("smarthost " + name_ + " sent data after its STARTTLS reply; TLS not started");
  try {
    transport_.startTls(context, endpoint_.host, deadlineIn(settings_.connectTimeout));
  } catch (const TransportError& e) {
    refuse("TLS to " + name_ + " failed: " + e.what());
  }
  tlsEstablished();
  // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
  extensions_ = Extensions{};
  ehlo(deadlineIn(settings_.commandTimeout));
}

void ClientSession::tlsEstablished() {
  if (!progress_) return;
  progress_->tlsVersion = transport_.tlsVersion();
  progress_->tlsCipher = transport_.tlsCipher();
}

bool ClientSession::reset() {
  if (!usable() || transport_.peerClosedOrSpoke()) {
    // A 421 or EOF sent while idle; reading it now would only confirm that the connection is gone.
    usable_ = false;
    transport_.close();
    logger_.information("event=disconnect smarthost=" + name_ + " reason=closed-while-idle");
    return false;
  }
  try {
    const ServerReply reply = command("RSET", "sending RSET", settings_.commandTimeout);
    if (reply.positive()) return true;
    logger_.information("event=disconnect smarthost=" + name_ +
                        " reason=" + core::logValue("RSET answered " + reply.oneLine()));
  } catch (const SessionError&) {
    // fail() logged it
  }
  usable_ = false;
  transport_.close();
  return false;
}

void ClientSession::quit() noexcept {
  if (!transport_.connected()) return;
  if (usable_) {
    try {
      const Deadline deadline = deadlineIn(std::min(settings_.quitTimeout, settings_.commandTimeout));
      transport_.write("QUIT\r\n", deadline);
      logger_.debug("smarthost=" + name_ + " > QUIT");
      ReplyAssembler assembler;
      while (!assembler.feed(transport_.readLine(deadline, kMaxReplyLineLength))) {
      }
    } catch (const std::exception&) {
      // the goodbye is a courtesy; the connection ends either way
    }
    logger_.information("event=disconnect smarthost=" + name_ + " reason=quit");
  }
  usable_ = false;
  transport_.close();
}

void ClientSession::write(std::string_view bytes, std::string_view phase, Deadline deadline) {
  if (logger_.debug()) {
    std::size_t start = 0;
    while (start < bytes.size()) {
      const std::size_t end = std::min(bytes.find('\n', start), bytes.size());
      logger_.debug("smarthost=" + name_ + " > " +
                    core::printable(trimCrlf(bytes.substr(start, end - start))));
      start = end + 1;
    }
  }
  try {
    transport_.write(bytes, deadline);
  } catch (const TransportError& e) {
    fail(e, phase);
  }
}

void ClientSession::writeSecret(std::string_view line, Deadline deadline) {
  logger_.debug("smarthost=" + name_ + " > (authentication data hidden)");
  try {
    transport_.write(std::string(line) + "\r\n", deadline);
  } catch (const TransportError& e) {
    fail(e, "authenticating");
  }
}

ServerReply ClientSession::readReply(std::string_view phase, Deadline deadline) {
  ReplyAssembler assembler;
  const auto waitingSince = std::chrono::steady_clock::now();
  try {
    for (;;) {
      if (auto reply = assembler.feed(transport_.readLine(deadline, kMaxReplyLineLength))) {
        if (settings_.events)
          settings_.events->replyReceived(std::chrono::steady_clock::now() - waitingSince);
        logger_.debug("smarthost=" + name_ + " < " + redact(reply->oneLine()));
        // RFC 5321 §3.8: 421 means the server is closing the connection, whatever command it answered.
        if (reply->code == 421) {
          usable_ = false;
          transport_.close();
          logger_.information("event=disconnect smarthost=" + name_ +
                              " reason=" + core::logValue(redact(reply->oneLine())));
        }
        return *std::move(reply);
      }
    }
  } catch (const TransportError& e) {
    fail(e, phase);
  } catch (const ProtocolError& e) {
    usable_ = false;
    transport_.close();
    const std::string why =
        redact("protocol error from " + name_ + " while " + std::string(phase) + ": " + e.what());
    logger_.information("event=disconnect smarthost=" + name_ + " reason=" + core::logValue(why));
    throw SessionError(core::printable(why));
  }
}

ServerReply ClientSession::command(std::string_view line, std::string_view phase,
                                   std::chrono::milliseconds timeout) {
  const Deadline deadline = deadlineIn(timeout);
  write(std::string(line) + "\r\n", phase, deadline);
  return readReply(phase, deadline);
}

void ClientSession::fail(const TransportError& e, std::string_view phase) {
  usable_ = false;
  transport_.close();
  std::string why;
  switch (e.kind()) {
    case TransportError::Kind::Timeout:
      why = "conversation with " + name_ + " timed out while " + std::string(phase);
      break;
    case TransportError::Kind::LineTooLong:
      why = "protocol error from " + name_ + " while " + std::string(phase) + ": " + e.what();
      break;
    case TransportError::Kind::Closed:
      why = "lost connection with " + name_ + " while " + std::string(phase);
      break;
    case TransportError::Kind::Failed:
      why = "lost connection with " + name_ + " while " + std::string(phase) + ": " + e.what();
      break;
  }
  why = redact(why);  // before escaping: a secret interrupted by an escape would no longer be found
  logger_.information("event=disconnect smarthost=" + name_ + " reason=" + core::logValue(why));
  throw SessionError(core::printable(why));
}

void ClientSession::refuse(const std::string& why) {
  const std::string text = redact(why);
  logger_.information("event=unusable smarthost=" + name_ + " reason=" + core::logValue(text));
  quit();
  throw SessionError(core::printable(text));
}

std::string ClientSession::redact(std::string text) const {
  for (const std::string& secret : secrets_) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos))
      text.replace(pos, secret.size(), "(hidden)");
  }
  return text;
}

}  // namespace postern::relay
