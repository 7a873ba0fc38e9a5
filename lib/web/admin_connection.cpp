#include "web/admin_connection.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timestamp.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <optional>
#include <sstream>

#include "core/text.h"
#include "web/http_error.h"
#include "web/request_body.h"

namespace postern::web {

namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(250);
// What answerAndClose() reads and drops at most before closing.
constexpr std::size_t kDrainBytes = 4 * 1024 * 1024;
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr int kAdminThreadNice = 10;  // of -20..19; 10 still gets a share when SMTP is busy

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

// HTTPServerSession with a look at its read buffer: bytes of a pipelined request may wait there, where
// polling the socket cannot see them.
class AdminSession final : public Poco::Net::HTTPServerSession {
 public:
  using HTTPServerSession::HTTPServerSession;
  bool hasBufferedInput() const { return buffered() > 0; }
};

}  // namespace

AdminServer::State::State(tls::ContextSource tls, NetworkList networks,
                          std::shared_ptr<const RequestDispatcher> dispatch, AdminServerOptions opts)
    : tlsContext(std::move(tls)),
      allowedNetworks(std::move(networks)),
      dispatcher(std::move(dispatch)),
      options(opts),
      httpParams(new Poco::Net::HTTPServerParams) {
  httpParams->setMaxThreads(static_cast<int>(options.maxThreads));
  httpParams->setMaxQueued(options.maxQueued);
  httpParams->setThreadIdleTime(Poco::Timespan(60, 0));
  httpParams->setTimeout(Poco::Timespan(options.readTimeout.count(), 0));
  httpParams->setKeepAlive(true);
  httpParams->setKeepAliveTimeout(Poco::Timespan(options.idleTimeout.count(), 0));
  httpParams->setMaxKeepAliveRequests(options.maxRequestsPerConnection);
}

void AdminServer::State::enter() {
  std::lock_guard lock(mutex_);
  ++active_;
}

void AdminServer::State::leave() {
  std::lock_guard lock(mutex_);
  if (active_ > 0 && --active_ == 0) drained_.notify_all();
}

bool AdminServer::State::waitDrained(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return drained_.wait_until(lock, deadline, [this] { return active_ == 0; });
}

Poco::Net::TCPServerConnection* AdminConnectionFactory::createConnection(
    const Poco::Net::StreamSocket& socket) {
  bool admitted = false;
  try {
    admitted = state_->allowedNetworks.contains(socket.peerAddress().host());
  } catch (const Poco::Exception&) {
    // The peer is gone already; the connection will find out at once.
  }
  return new AdminConnection(socket, state_, admitted);
}

AdminConnection::AdminConnection(const Poco::Net::StreamSocket& socket,
                                 std::shared_ptr<AdminServer::State> state, bool admitted)
    : Poco::Net::TCPServerConnection(socket),
      state_(std::move(state)),
      admitted_(admitted),
      id_(state_->nextConnectionId.fetch_add(1)),
      logger_(Poco::Logger::get("web")) {
  state_->enter();
  std::string client = "unknown";
  try {
    clientAddress_ = this->socket().peerAddress().host();
    client = clientAddress_.toString();
  } catch (const Poco::Exception&) {
  }
  if (state_->options.site != "admin") logPrefix_ = "site=" + state_->options.site + " ";
  logPrefix_ += "conn=" + std::to_string(id_) + " client=" + core::logValue(client) + " ";
}

AdminConnection::~AdminConnection() { state_->leave(); }

void AdminConnection::setDeadline(std::chrono::seconds fromNow) {
  state_->watchdog.setDeadline(watchId_, std::chrono::steady_clock::now() + fromNow);
}

namespace {
// The admin pool's threads run at a lower CPU priority than the SMTP sessions: a page of the queue costs a
// few milliseconds of CPU, and on a busy relay that time should come from idle cycles, not from the mail
// being submitted. Linux gives each thread its own nice value; raising it needs no privilege. Once per
// pool thread.
void yieldToMail() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kAdminThreadNice);
}
}  // namespace

void AdminConnection::run() {
  yieldToMail();
  const auto& options = state_->options;
  watchId_ = state_->watchdog.watch(socket().impl()->sockfd(), std::nullopt);
  setDeadline(options.handshakeTimeout);
  // Not default-constructed: a SecureStreamSocket() would build a client context through SSLManager.
  std::optional<Poco::Net::SecureStreamSocket> tls;
  try {
    socket().setNoDelay(true);
    socket().setSendTimeout(Poco::Timespan(options.sendTimeout.count(), 0));
    tls.emplace(Poco::Net::SecureStreamSocket::attach(socket(), state_->tlsContext.current()));
    handshake(*tls);
    if (admitted_)
      serve(*tls);
    else
      refuse(*tls);
  } catch (const Poco::TimeoutException&) {
    disconnected("timeout", "");
  } catch (const Poco::Net::SSLException& e) {
    disconnected("tls-error", e.displayText());
  } catch (const Poco::Exception& e) {
    disconnected("network", e.displayText());
  } catch (const std::exception& e) {
    logger_.error(logPrefix_ + "event=disconnect reason=internal-error detail=" + core::logValue(e.what()));
  }
  state_->watchdog.unwatch(watchId_);  // before the close: the descriptor number may be reused at once
  try {
    if (tls)
      tls->close();  // from the attach on, only the secure socket may touch the descriptor
    else
      socket().close();
  } catch (const Poco::Exception&) {
  }
}

void AdminConnection::disconnected(const char* reason, const std::string& detail) {
  // A socket the watchdog shut down fails in whatever read it was in; say why it really ended.
  if (state_->watchdog.wasShutDown(watchId_)) {
    logger_.information(logPrefix_ + "event=disconnect reason=deadline");
    return;
  }
  std::string line = logPrefix_ + "event=disconnect reason=" + reason;
  if (!detail.empty()) line += " detail=" + core::logValue(detail);
  logger_.debug(line);
}

void AdminConnection::handshake(Poco::Net::SecureStreamSocket& tls) {
  // Poco's TLS reads wait about twice the receive timeout (NOTES-platform §2); the watchdog is the bound.
  tls.setReceiveTimeout(toTimespan(
      std::chrono::duration_cast<std::chrono::milliseconds>(state_->options.handshakeTimeout) / 2));
  tls.completeHandshake();
}

void AdminConnection::refuse(Poco::Net::SecureStreamSocket& tls) {
  logger_.warning(logPrefix_ + "event=refused reason=network-not-allowed setting=admin.allowed_networks");
  answerAndClose(tls,
                 errorAnswer(HttpError(403, "forbidden", "this address may not use the admin interface")));
}

bool AdminConnection::waitForRequest(Poco::Net::SecureStreamSocket& tls, bool first, bool bufferedInput) {
  const auto idle = state_->options.idleTimeout;
  setDeadline(idle + std::chrono::seconds(2));  // the loop below ends first; this is the backstop
  const auto until = std::chrono::steady_clock::now() + idle;
  for (;;) {
    if (state_->stopping.load()) return false;
    if (bufferedInput || tls.available() > 0) return true;
    if (tls.poll(toTimespan(kPollSlice), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR))
      return true;
    if (std::chrono::steady_clock::now() >= until) {
      logger_.debug(logPrefix_ + "event=disconnect reason=idle");
      return false;
    }
    if (!first && state_->queuedConnections() > 0) {
      logger_.debug(logPrefix_ + "event=disconnect reason=idle-making-way");
      return false;
    }
  }
}

void AdminConnection::serve(Poco::Net::SecureStreamSocket& tls) {
  const auto& options = state_->options;
  AdminSession session(tls, state_->httpParams);
  // A session closes its socket when it ends; the connection closes it itself, once it has unwatched it.
  struct Detach {
    AdminSession& session;
    ~Detach() { session.detachSocket(); }
  } detach{session};
  for (int served = 0; served < options.maxRequestsPerConnection; ++served) {
    if (!waitForRequest(tls, served == 0, session.hasBufferedInput())) return;
    setDeadline(options.requestTimeout);
    Poco::Net::HTTPServerResponseImpl response(session);
    std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
    try {
      request =
          std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, state_->httpParams.get());
    } catch (const Poco::Net::NoMessageException&) {
      return;  // closed between requests
    } catch (const Poco::Net::MessageException& e) {
      // Field count, name or value length over Poco's limits, or a malformed request line or field.
      logger_.information(logPrefix_ + "event=bad-request detail=" + core::logValue(e.displayText()));
      answerAndClose(tls, errorAnswer(HttpError::badRequest(
                              "the request head cannot be read: too long, too many fields or malformed")));
      return;
    } catch (const Poco::SyntaxException& e) {  // a Content-Length that is no number
      logger_.information(logPrefix_ + "event=bad-request detail=" + core::logValue(e.displayText()));
      answerAndClose(tls, errorAnswer(HttpError::badRequest("Content-Length must be a whole number")));
      return;
    }
    const bool last = served + 1 >= options.maxRequestsPerConnection || state_->stopping.load();
    response.setVersion(request->getVersion());
    response.setDate(Poco::Timestamp());
    response.setKeepAlive(!last && request->getKeepAlive());

    std::string body;
    try {
      checkBodyFraming(*request, options.maxBodyBytes);
      if (request->getExpectContinue()) response.sendContinue();
      body = readBody(*request, options.maxBodyBytes);
    } catch (const HttpError& e) {
      logger_.information(logPrefix_ + "event=bad-request status=" + std::to_string(e.status()) +
                          " detail=" + core::logValue(e.what()));
      answerAndClose(tls, errorAnswer(e));
      return;
    } catch (const Poco::Net::MessageException& e) {  // malformed chunks
      logger_.information(logPrefix_ + "event=bad-request detail=" + core::logValue(e.displayText()));
      answerAndClose(tls, errorAnswer(HttpError::badRequest("the chunked request body is malformed")));
      return;
    }
    state_->watchdog.setDeadline(watchId_, std::nullopt);  // the handler's time is the server's own

    const std::string& uri = request->getURI();
    const auto question = uri.find('?');
    RequestContext context{*request,
                           response,
                           clientAddress_,
                           uri.substr(0, question),
                           question == std::string::npos ? std::string() : uri.substr(question + 1),
                           std::move(body),
                           {},
                           std::nullopt,
                           {},
                           {}};
    state_->dispatcher->dispatch(context);
    const std::string line = logPrefix_ + "event=request method=" + core::logValue(request->getMethod()) +
                             " path=" + core::logValue(context.path) +
                             " status=" + std::to_string(static_cast<int>(response.getStatus()));
    if (context.path.substr(0, 5) == "/api/")
      logger_.information(line);
    else
      logger_.debug(line);
    if (!response.getKeepAlive()) return;
  }
}

void AdminConnection::answerAndClose(Poco::Net::SecureStreamSocket& tls, const ErrorAnswer& answer) {
  const std::string bytes = standaloneErrorResponse(answer);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const int n = tls.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
  // Closing with unread input in the kernel buffer sends a TCP reset, and a client that is still writing
  // (a body over the limit) would lose the answer to it. Nothing read here is looked at.
  const auto until = std::chrono::steady_clock::now() + kDrainTime;
  state_->watchdog.setDeadline(watchId_, until + std::chrono::seconds(1));
  tls.setReceiveTimeout(toTimespan(std::chrono::milliseconds(250)));
  std::array<char, 16 * 1024> sink;
  std::size_t drained = 0;
  try {
    while (drained < kDrainBytes && std::chrono::steady_clock::now() < until) {
      if (tls.available() <= 0 && !tls.poll(toTimespan(kPollSlice), Poco::Net::Socket::SELECT_READ)) break;
      const int n = tls.receiveBytes(sink.data(), static_cast<int>(sink.size()));
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
  } catch (const Poco::Exception&) {
  }
}

}  // namespace postern::web
