#include "smtp/session.h"

#include <algorithm>
#include <array>

#include "core/text.h"
#include "mail/address.h"
#include "smtp/capabilities.h"
#include "smtp/command_parser.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

namespace {

using core::Reply;

// RFC 4954 §4: an AUTH command or response line may be 12288 octets, more than a command line.
constexpr std::size_t kMaxAuthLine = 12288;

const char* stateName(SessionState s) {
  switch (s) {
    case SessionState::Fresh:
      return "Fresh";
    case SessionState::Greeted:
      return "Greeted";
    case SessionState::Auth:
      return "Auth";
    case SessionState::Mail:
      return "Mail";
    case SessionState::Rcpt:
      return "Rcpt";
    case SessionState::Data:
      return "Data";
    case SessionState::Bdat:
      return "Bdat";
    case SessionState::TlsPending:
      return "TlsPending";
    case SessionState::Closed:
      return "Closed";
  }
  return "?";
}

// Replies that say the client does not speak SMTP properly (syntax, sequence, unknown command, bad
// line). Policy refusals (553, 535, 550 after DATA) are answers to well-formed requests and do not count.
bool isProtocolError(const Reply& r) {
  return (r.code >= 500 && r.code <= 504) || r.code == 530 || r.code == 555;
}

// A browser or proxy client pointed at the SMTP port (the cross-protocol attacks of ALPACA and older).
bool isHttpRequest(std::string_view line, std::string_view verb) {
  static constexpr std::array<std::string_view, 7> kMethods{"GET",    "POST",    "HEAD",   "PUT",
                                                            "DELETE", "OPTIONS", "CONNECT"};
  if (verb.size() == line.size()) return false;  // no space after it
  for (const auto m : kMethods)
    if (core::iequalsAscii(verb, m)) return true;
  return false;
}

}  // namespace

Session::Impl::Impl(const SessionConfig& config, ConnectionInfo connection, SessionServices services,
                    SessionOutput& output)
    : config_(config), connection_(std::move(connection)), services_(services), out_(output) {
  if (connection_.implicitTls) {
    tls_ = connection_.tls.value_or(TlsInfo{});
    firstBytesChecked_ = true;
    services_.authenticator.tlsEstablished(tls_->bits);
  }
}

void Session::Impl::enter(SessionState next) {
  if (next == state_) return;
  out_.log(LogLevel::Debug, "state", std::string(stateName(state_)) + " -> " + stateName(next));
  state_ = next;
}

void Session::Impl::reply(const Reply& r) {
  out_.send(r);
  if (r.close) {
    resetTransaction();
    enter(SessionState::Closed);
    return;
  }
  if (r.positive()) {
    protocolErrors_ = 0;
  } else if (isProtocolError(r) && ++protocolErrors_ >= config_.maxProtocolErrors) {
    out_.log(LogLevel::Warning, "errors", "too many protocol errors; closing");
    reply(Reply(421, "4.7.0", "Too many errors", true));
  }
}

void Session::Impl::start() { reply(Reply(220, "", config_.hostname + " ESMTP Postern")); }

bool Session::Impl::inTransaction() const {
  return state_ == SessionState::Mail || state_ == SessionState::Rcpt || state_ == SessionState::Data ||
         state_ == SessionState::Bdat;
}

std::chrono::seconds Session::Impl::readTimeout() const {
  if (state_ == SessionState::Data || chunk_) return config_.dataTimeout;
  return authenticated_ ? config_.commandTimeout : config_.preAuthTimeout;
}

bool Session::Impl::checkFirstBytes(std::string_view bytes) {
  if (bytes.empty()) return true;
  probe_.append(bytes.substr(0, 2 - probe_.size()));
  if (probe_.size() < 2 && probe_ == "\x16") return true;  // could still be a ClientHello: wait
  firstBytesChecked_ = true;
  if (probe_ != "\x16\x03") return true;
  // TLS record header: content type handshake (22), version 3.x — a ClientHello on a plaintext port.
  out_.log(LogLevel::Warning, "cross-protocol", "TLS handshake on a plaintext port");
  reply(Reply(554, "5.5.1", "TLS handshake on a plaintext port: use port 465 or STARTTLS", true));
  return false;
}

void Session::Impl::feed(std::string_view bytes) {
  if (state_ == SessionState::Closed) return;
  if (state_ == SessionState::TlsPending) return discardBeforeTls(bytes.size());
  if (!firstBytesChecked_ && !checkFirstBytes(bytes)) return;

  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (state_ == SessionState::Closed) return;
    if (state_ == SessionState::TlsPending) return discardBeforeTls(bytes.size() - pos);
    if (chunk_) {  // RFC 3030 §3: exactly the announced octets, whatever they look like
      pos += chunkBytes(bytes.substr(pos));
      continue;
    }
    if (state_ == SessionState::Data) {
      pos += dataReader_->feed(bytes.substr(pos));
      if (dataReader_->finished()) endOfData();
      continue;
    }
    const std::size_t authLimit = std::max(kMaxAuthLine, config_.maxCommandLine);
    const std::size_t limit = state_ == SessionState::Auth ? authLimit : config_.maxCommandLine;
    pos += lines_.consume(bytes.substr(pos), limit, authLimit);
    const auto line = lines_.takeLine();
    if (!line) continue;
    const CommandSpec* spec = handleLine(*line);
    // RFC 2920 §3.1: the client must wait for this reply before sending more. Its bytes are still
    // handled in order; the log shows clients (often spamware) that do not wait.
    if (spec && spec->endsPipelineGroup && pos < bytes.size() && state_ != SessionState::Closed &&
        state_ != SessionState::TlsPending)
      out_.log(LogLevel::Info, "pipelining", "improper command pipelining after " + std::string(spec->name));
  }
}

// RFC 3207 §5 / CVE-2011-0411: plaintext sent after STARTTLS would be taken as if it came over TLS.
void Session::Impl::discardBeforeTls(std::size_t count) {
  if (count == 0) return;
  out_.log(LogLevel::Warning, "starttls",
           "discarded " + std::to_string(count) + " bytes sent before the TLS handshake");
}

const CommandSpec* Session::Impl::handleLine(const CommandLine& line) {
  if (line.defect != CommandLine::Defect::None) {
    if (state_ == SessionState::Auth) {  // a broken response line ends the exchange
      services_.authenticator.reset();
      enter(SessionState::Greeted);
    }
    switch (line.defect) {
      case CommandLine::Defect::BareCrOrLf:
        reply(Reply(500, "5.5.2", "Bare CR or LF not allowed"));
        break;
      case CommandLine::Defect::Nul:
        reply(Reply(500, "5.5.2", "NUL character not allowed"));
        break;
      case CommandLine::Defect::TooLong:
        reply(Reply(500, "5.5.2", "Line too long"));
        break;
      case CommandLine::Defect::None:
        break;
    }
    return nullptr;
  }
  if (state_ == SessionState::Auth) {
    authResponse(line.text);
    return nullptr;
  }
  const CommandText command = splitCommand(line.text);
  if (isHttpRequest(line.text, command.verb)) {
    out_.log(LogLevel::Warning, "cross-protocol", "HTTP request on the SMTP port");
    reply(Reply(554, "5.5.1", "Not an SMTP client", true));
    return nullptr;
  }
  const CommandSpec* spec = findCommand(command.verb);
  if (!spec) {
    reply(Reply(500, "5.5.1", "Command unrecognized"));
    return nullptr;
  }
  if (spec->verb != Verb::Bdat) chunksFailed_ = false;
  // The table's flags, checked once for every verb (STYLE.md §2), in the order a client must meet them.
  std::optional<Reply> refusal;
  if (!spec->allowedBeforeTls && !tls_)
    refusal = Reply(530, "5.7.0", "Must issue a STARTTLS command first");  // RFC 3207 §4
  else if (spec->needsHelo && !helo_)
    refusal = Reply(503, "5.5.1", "Send EHLO first");
  else if (spec->needsAuth && !authenticated_)
    refusal = Reply(530, "5.7.0", "Authentication required");  // RFC 4954 §6
  else if (!spec->betweenChunks && state_ == SessionState::Bdat)
    refusal = Reply(503, "5.5.1", std::string(spec->name) + " not allowed during a BDAT transfer");
  if (spec->verb == Verb::Bdat)
    bdat(command.argument, std::move(refusal));  // its octets follow even when it is refused
  else if (refusal)
    reply(*refusal);
  else
    dispatch(*spec, command.argument);
  return spec;
}

void Session::Impl::dispatch(const CommandSpec& spec, std::string_view argument) {
  switch (spec.verb) {
    case Verb::Ehlo:
      return hello(argument, true);
    case Verb::Helo:
      return hello(argument, false);
    case Verb::StartTls:
      return startTls(argument);
    case Verb::Auth:
      return auth(argument);
    case Verb::Mail:
      return mail(argument);
    case Verb::Rcpt:
      return rcpt(argument);
    case Verb::Data:
      return data(argument);
    case Verb::Bdat:
      return bdat(argument, std::nullopt);
    case Verb::Rset:
      if (!argument.empty()) return reply(Reply(501, "5.5.4", "Syntax: RSET"));
      resetTransaction();
      enter(idleState());
      return reply(Reply(250, "2.0.0", "Ok"));
    case Verb::Noop:
      return reply(Reply(250, "2.0.0", "Ok"));  // RFC 5321 §4.1.1.9: argument ignored
    case Verb::Vrfy:
      // RFC 5321 §3.5.3: 252 neither confirms nor denies, so the user list does not leak.
      return reply(Reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
    case Verb::Expn:
      return reply(Reply(502, "5.5.1", "EXPN not supported"));
    case Verb::Help:
      return reply(Reply(214, "2.0.0", "https://www.rfc-editor.org/rfc/rfc5321"));
    case Verb::Quit:
      return reply(Reply(221, "2.0.0", "Bye", true));
  }
}

void Session::Impl::hello(std::string_view argument, bool extended) {
  if (argument.empty())
    return reply(Reply(501, "5.5.4", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
  // RFC 5321 §4.1.1.1: "EHLO" SP ( Domain / address-literal ). The name goes to the envelope, the
  // Received field, the logs and `postern queue show`: only a name, never arbitrary text, is kept.
  if (!mail::isHeloName(argument))
    return reply(Reply(501, "5.5.4", "Invalid hostname: a domain name or an address literal is required"));
  // RFC 5321 §4.1.4: EHLO/HELO in a session resets any transaction, as RSET would; AUTH stays.
  resetTransaction();
  helo_ = std::string(argument);
  ehlo_ = extended;
  enter(SessionState::Greeted);
  if (!extended) return reply(Reply(250, "", config_.hostname));
  CapabilityInputs caps{config_.hostname, config_.maxMessageSize, tls_.has_value(), {}};
  if (tls_) caps.authMechanisms = services_.authenticator.mechanisms();
  reply(Reply(250, "", ehloLines(caps)));
}

void Session::Impl::startTls(std::string_view argument) {
  if (!argument.empty()) return reply(Reply(501, "5.5.4", "Syntax: STARTTLS"));
  if (tls_) return reply(Reply(503, "5.5.1", "TLS already active"));
  reply(Reply(220, "2.0.0", "Ready to start TLS"));
  enter(SessionState::TlsPending);
  out_.startTls();
}

void Session::Impl::tlsStarted(const TlsInfo& tls) {
  if (state_ != SessionState::TlsPending) return;
  // RFC 3207 §4.2: discard all knowledge obtained from the client before TLS.
  resetTransaction();
  lines_.clear();
  helo_.reset();
  ehlo_ = false;
  authenticated_ = false;
  login_.clear();
  senders_ = mail::AllowedSenders();
  services_.authenticator.reset();
  tls_ = tls;
  services_.authenticator.tlsEstablished(tls.bits);
  enter(SessionState::Fresh);
}

void Session::Impl::timedOut() {
  if (closed()) return;
  out_.log(LogLevel::Info, "timeout", std::string("in state ") + stateName(state_));
  reply(Reply(421, "4.4.2", config_.hostname + " Error: timeout exceeded", true));
}

void Session::Impl::shutdown() {
  if (closed()) return;
  reply(Reply(421, "4.3.2", "Service shutting down", true));
}

void Session::Impl::resetTransaction() {
  writer_.reset();  // an uncommitted writer removes what it wrote
  dataReader_.reset();
  headers_.reset();
  writeFailure_.reset();
  signature_.reset();
  signatureWriteError_.clear();
  envelope_ = Envelope();
  recipientKeys_.clear();
}

// ---- Session: forwards to Impl ------------------------------------------------------------------------

Session::Session(const SessionConfig& config, ConnectionInfo connection, SessionServices services,
                 SessionOutput& output)
    : impl_(std::make_unique<Impl>(config, std::move(connection), services, output)) {}
Session::~Session() = default;
void Session::start() { impl_->start(); }
void Session::feed(std::string_view bytes) { impl_->feed(bytes); }
void Session::tlsStarted(const TlsInfo& tls) { impl_->tlsStarted(tls); }
void Session::timedOut() { impl_->timedOut(); }
void Session::shutdown() { impl_->shutdown(); }
bool Session::closed() const { return impl_->closed(); }
bool Session::inTransaction() const { return impl_->inTransaction(); }
bool Session::authenticated() const { return impl_->authenticated(); }
const std::string& Session::login() const { return impl_->login(); }
std::chrono::seconds Session::readTimeout() const { return impl_->readTimeout(); }

}  // namespace postern::smtp
