#include "net/smtp_connection.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Thread.h>

#include <algorithm>
#include <array>
#include <sstream>
#include <thread>

#include "core/socket_wait.h"
#include "core/text.h"
#include "net/server_state.h"
#include "tls/server_context.h"

namespace postern::net {

namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(500);
constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr auto kWatchdogMargin = std::chrono::seconds(2);

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace

SmtpConnection::SmtpConnection(const Poco::Net::StreamSocket& socket,
                               std::shared_ptr<SmtpServer::State> state, ListenerKind kind)
    : Poco::Net::TCPServerConnection(socket),
      state_(std::move(state)),
      kind_(kind),
      socket_(socket),
      logger_(Poco::Logger::get("smtp")) {
  try {
    clientAddress_ = socket_.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    clientAddress_ = "unknown";
  }
  clientGroup_ = clientGroup(clientAddress_);
  id_ = state_->nextConnectionId.fetch_add(1);
  loginDeadline_ = std::chrono::steady_clock::now() + state_->options.loginTimeout;
  std::ostringstream prefix;
  prefix << "conn=" << id_ << " client=" << core::logValue(clientAddress_) << " port=" << kindName(kind_)
         << " ";
  logPrefix_ = prefix.str();
}

SmtpConnection::~SmtpConnection() {
  if (admitted_) state_->release(clientGroup_);
}

void SmtpConnection::run() {
  state_->watch(id_, socket_.impl()->sockfd());
  try {
    serve();
  } catch (const Poco::TimeoutException&) {
    logger_.information(logPrefix_ + "event=disconnect reason=timeout");
  } catch (const Poco::Net::SSLException& e) {
    logger_.information(logPrefix_ +
                        "event=disconnect reason=tls-error detail=" + core::logValue(e.displayText()));
  } catch (const Poco::Net::NetException& e) {
    logger_.information(logPrefix_ +
                        "event=disconnect reason=network detail=" + core::logValue(e.displayText()));
  } catch (const Poco::IOException& e) {
    logger_.information(logPrefix_ + "event=disconnect reason=io detail=" + core::logValue(e.displayText()));
  } catch (const std::exception& e) {
    logger_.error(logPrefix_ + "event=disconnect reason=internal-error detail=" + core::logValue(e.what()));
  }
  state_->unwatch(id_);  // before close(): the descriptor number may be reused at once
  try {
    socket_.shutdown();
  } catch (const Poco::Exception&) {
  }
  socket_.close();
}

void SmtpConnection::serve() {
  socket_.setNoDelay(true);
  socket_.setSendTimeout(toTimespan(std::chrono::seconds(60)));
  ConnectionEvents* events = state_->environment.connectionEvents;
  if (const std::string why = state_->admit(clientGroup_); !why.empty()) {
    if (events) events->refused(kind_);
    refuse(why);
    return;
  }
  admitted_ = true;
  if (events) events->connected(kind_);
  logger_.information(logPrefix_ + "event=connect");

  // The session answers 421 at the login deadline itself; the watchdog is the backstop for a connection
  // stuck in a blocking call.
  state_->setDeadline(id_, loginDeadline_ + kWatchdogMargin);
  if (kind_ == ListenerKind::Submissions && !handshake()) return;

  const SessionEnvironment& env = state_->environment;
  smtp::ConnectionInfo info;
  info.clientAddress = clientAddress_;
  info.implicitTls = kind_ == ListenerKind::Submissions;
  if (tls_) info.tls = *tls_;
  auto authenticator = env.makeAuthenticator(clientAddress_);
  smtp::Session session(env.sessionConfig, info,
                        smtp::SessionServices{*authenticator, *env.senders, *env.spool, *env.clock,
                                              env.signer, env.sessionEvents, env.sendingLimits},
                        *this);
  if (tls_) authenticator->tlsEstablished(tls_->bits);
  session_ = &session;
  struct Forget {
    const smtp::Session*& session;
    ~Forget() { session = nullptr; }
  } forget{session_};
  session.start();
  flush();

  std::array<char, kReadBuffer> buffer;
  while (!session.closed() && !closeAfterFlush_) {
    if (!waitForInput(session)) break;
    const int n = socket_.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
    if (n <= 0) {
      log(smtp::LogLevel::Info, "disconnect",
          session.inTransaction() ? "reason=client-closed-in-transaction" : "reason=client-closed");
      return;
    }
    const bool wasAuthenticated = session.authenticated();
    session.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    flush();
    if (!wasAuthenticated && session.authenticated()) state_->setDeadline(id_, std::nullopt);
    if (tlsRequested_ && !session.closed()) {
      tlsRequested_ = false;
      // RFC 3207 §4.2: bytes the client sent after STARTTLS were discarded by the session; anything still
      // in the kernel buffer makes the handshake fail, which is the safe outcome.
      if (!handshake()) return;
      session.tlsStarted(*tls_);
      flush();
    }
  }
  log(smtp::LogLevel::Info, "disconnect", "reason=session-ended");
}

bool SmtpConnection::handshake() {
  const auto timeout = state_->options.handshakeTimeout;
  // The whole handshake must finish by then, however slowly the client trickles its bytes.
  state_->setDeadline(id_, std::min(std::chrono::steady_clock::now() + timeout, loginDeadline_));
  tls::clearLastHandshake();
  try {
    Poco::Net::SecureStreamSocket secure =
        Poco::Net::SecureStreamSocket::attach(socket_, state_->tlsContext.current());
    // Poco's TLS reads take about twice the receive timeout (NOTES-platform §2): halve it.
    secure.setReceiveTimeout(toTimespan(std::chrono::duration_cast<std::chrono::milliseconds>(timeout) / 2));
    secure.completeHandshake();
    receiveTimeout_.forget();
    socket_ = secure;  // from here on only the secure socket may touch the descriptor
    state_->setDeadline(
        id_, loginDeadline_ + kWatchdogMargin);  // handshakes happen before AUTH (RFC 3207, RFC 8314)
  } catch (const Poco::Exception& e) {
    log(smtp::LogLevel::Info, "tls-failed", "detail=" + core::logValue(e.displayText()));
    if (auto* events = state_->environment.connectionEvents) events->tlsHandshake(kind_, false);
    return false;
  }
  if (auto* events = state_->environment.connectionEvents) events->tlsHandshake(kind_, true);
  const auto negotiated = tls::lastHandshake();
  tls_ = std::make_unique<smtp::TlsInfo>();
  if (negotiated) {
    tls_->version = negotiated->version;
    tls_->cipher = negotiated->cipher;
    tls_->bits = negotiated->bits;
  }
  log(smtp::LogLevel::Info, "tls",
      "version=" + tls_->version + " cipher=" + tls_->cipher +
          (negotiated && negotiated->resumed ? " resumed" : ""));
  return true;
}

bool SmtpConnection::waitForInput(smtp::Session& session) {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(session.readTimeout());
  // Only a TLS read that stops inside a record waits on it: the loop below does the waiting.
  if (receiveTimeout_.needs(timeout)) socket_.setReceiveTimeout(toTimespan(timeout));
  const auto since = std::chrono::steady_clock::now();
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const bool stopping = state_->stopping.load();
    if (stopping) {
      if (!session.inTransaction() || now.time_since_epoch().count() >= state_->graceDeadlineNs.load()) {
        session.shutdown();
        flush();
        log(smtp::LogLevel::Info, "disconnect", "reason=shutdown");
        return false;
      }
    }
    if (!session.authenticated() && now >= loginDeadline_) {
      session.timedOut();
      flush();
      log(smtp::LogLevel::Info, "disconnect", "reason=login-timeout");
      return false;
    }
    if (now - since >= timeout) {
      session.timedOut();
      flush();
      log(smtp::LogLevel::Info, "disconnect", "reason=timeout");
      return false;
    }
    if (tls_ && socket_.available() > 0) return true;  // decrypted bytes already buffered inside OpenSSL
    // One wait until input, the read timeout, the login deadline or a shutdown: an idle connection costs
    // nothing while it waits. Once stopping (a transaction finishing in the grace period) the stop event
    // stays signalled, so the wait goes in slices instead.
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(since + timeout - now);
    if (!session.authenticated())
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(loginDeadline_ - now));
    if (stopping) wait = std::min(wait, kPollSlice);
    const auto result =
        core::waitReadable(socket_.impl()->sockfd(), wait, stopping ? -1 : state_->stopEvent.fd());
    if (result == core::WaitResult::Readable) return true;
  }
}

void SmtpConnection::flush() {
  if (pause_.count() > 0) {
    std::this_thread::sleep_for(pause_);
    pause_ = std::chrono::milliseconds(0);
  }
  std::size_t sent = 0;
  while (sent < pending_.size()) {
    const int n = socket_.sendBytes(pending_.data() + sent, static_cast<int>(pending_.size() - sent));
    if (n <= 0) throw Poco::IOException("connection closed while writing");
    sent += static_cast<std::size_t>(n);
  }
  pending_.clear();
}

void SmtpConnection::refuse(const std::string& why) {
  logger_.warning(logPrefix_ + "event=refused reason=" + core::logValue(why));
  if (kind_ == ListenerKind::Submissions) return;  // no TLS yet: a plaintext reply would be noise
  pending_ = core::Reply(421, "4.7.0", why, true).render();
  flush();
}

void SmtpConnection::send(const core::Reply& reply) {
  pending_ += reply.render();
  if (reply.close) closeAfterFlush_ = true;
}

void SmtpConnection::startTls() { tlsRequested_ = true; }

void SmtpConnection::pause(std::chrono::milliseconds delay) { pause_ += delay; }

void SmtpConnection::log(smtp::LogLevel level, std::string_view event, std::string_view detail) {
  std::string line = logPrefix_;
  if (session_ && session_->authenticated()) {
    line += "user=";
    line += core::logValue(session_->login());
    line += ' ';
  }
  line += "event=";
  line += event;
  if (!detail.empty()) {
    line += ' ';
    line += detail;
  }
  switch (level) {
    case smtp::LogLevel::Debug:
      logger_.debug(line);
      break;
    case smtp::LogLevel::Info:
      logger_.information(line);
      break;
    case smtp::LogLevel::Warning:
      logger_.warning(line);
      break;
    case smtp::LogLevel::Error:
      logger_.error(line);
      break;
  }
}

}  // namespace postern::net
