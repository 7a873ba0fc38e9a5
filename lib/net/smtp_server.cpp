#include "net/smtp_server.h"

#include <Poco/Logger.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <unistd.h>
#include <algorithm>
#include <iterator>

#include "net/server_state.h"
#include "net/smtp_connection.h"

namespace postern::net {

namespace {
// Worker threads beyond maxConnections, so that connections over a cap still get a thread to be told
// "421 too many connections" instead of waiting silently in the accept queue.
constexpr std::size_t kRefusalThreads = 16;
constexpr int kThreadStackBytes = 1024 * 1024;
}  // namespace

std::string clientGroup(const std::string& address) {
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) != 1) return address;
  char text[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    return ::inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text) ? std::string(text) : address;
  }
  std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
  return ::inet_ntop(AF_INET6, &v6, text, sizeof text) ? std::string(text) + "/64" : address;
}

const char* kindName(ListenerKind kind) {
  switch (kind) {
    case ListenerKind::Submission:
      return "submission";
    case ListenerKind::Submissions:
      return "submissions";
    case ListenerKind::Alternate:
      return "alternate";
  }
  return "?";
}

std::string SmtpServer::State::admit(const std::string& group) {
  std::lock_guard lock(mutex_);
  if (stopping.load()) return "Service shutting down";
  if (active_ >= options.maxConnections) return "Too many connections, try again later";
  auto& count = perAddress_[group];
  if (count >= options.maxConnectionsPerIp) return "Too many connections from your address";
  ++count;
  ++active_;
  return {};
}

void SmtpServer::State::release(const std::string& group) {
  std::lock_guard lock(mutex_);
  auto it = perAddress_.find(group);
  if (it != perAddress_.end() && --it->second == 0) perAddress_.erase(it);
  if (active_ > 0) --active_;
  if (active_ == 0) drained_.notify_all();
}

std::size_t SmtpServer::State::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

bool SmtpServer::State::waitDrained(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return drained_.wait_until(lock, deadline, [this] { return active_ == 0; });
}

void SmtpServer::State::watch(std::uint64_t id, int fd) {
  std::lock_guard lock(watchMutex_);
  watched_[id] = Watched{fd, std::nullopt, false};
}

void SmtpServer::State::setDeadline(std::uint64_t id,
                                    std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::lock_guard lock(watchMutex_);
  if (auto it = watched_.find(id); it != watched_.end()) it->second.deadline = deadline;
}

void SmtpServer::State::unwatch(std::uint64_t id) {
  std::lock_guard lock(watchMutex_);
  watched_.erase(id);
}

std::size_t SmtpServer::State::enforceDeadlines(bool force) {
  const auto now = std::chrono::steady_clock::now();
  std::size_t count = 0;
  std::lock_guard lock(watchMutex_);
  for (auto& [id, w] : watched_) {
    if (w.shutDown || !(force || (w.deadline && *w.deadline <= now))) continue;
    ::shutdown(w.fd, SHUT_RDWR);  // the descriptor stays open (and ours) until the connection unwatches it
    w.shutDown = true;
    ++count;
  }
  return count;
}

std::vector<BoundListener> bindListeners(const std::vector<ListenerSpec>& specs) {
  std::vector<BoundListener> bound;
  for (const auto& spec : specs) {
    Poco::Net::ServerSocket socket;
    try {
      // SO_REUSEADDR (a restart may bind while old connections sit in TIME_WAIT) but not SO_REUSEPORT,
      // which Poco's bind(address, true) also sets: a second server on the same port must fail here, not
      // silently take half of the connections.
      socket.bind(Poco::Net::SocketAddress(spec.host, spec.port), true, false);
      socket.listen(256);
    } catch (const Poco::Exception& e) {
      std::string hint;
      if (spec.port < 1024 && ::geteuid() != 0)
        hint = "; ports below 1024 need root or CAP_NET_BIND_SERVICE (or use e.g. 10587 / 10465)";
      throw Poco::IOException("cannot listen on " + spec.host + ":" + std::to_string(spec.port) +
                              " (listen." + kindName(spec.kind) + "): " + e.displayText() + hint);
    }
    bound.push_back(BoundListener{spec, socket});
  }
  return bound;
}

SmtpServer::SmtpServer(std::vector<ListenerSpec> listeners, ServerOptions options,
                       SessionEnvironment environment, tls::ContextSource tlsContext)
    : specs_(std::move(listeners)), state_(std::make_shared<State>()) {
  state_->options = options;
  state_->environment = std::move(environment);
  state_->tlsContext = std::move(tlsContext);
}

SmtpServer::SmtpServer(std::vector<BoundListener> listeners, ServerOptions options,
                       SessionEnvironment environment, tls::ContextSource tlsContext)
    : bound_(std::move(listeners)), state_(std::make_shared<State>()) {
  for (const auto& listener : bound_) specs_.push_back(listener.spec);
  state_->options = options;
  state_->environment = std::move(environment);
  state_->tlsContext = std::move(tlsContext);
}

SmtpServer::~SmtpServer() {
  if (!state_->stopping.load() && !servers_.empty()) stop();
  stopWatchdog();  // start() may have failed before any listener existed
}

void SmtpServer::start() {
  watchdogStop_ = false;
  watchdog_ = std::thread([this] {
    std::unique_lock lock(watchdogMutex_);
    while (!watchdogWake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return watchdogStop_; })) {
      lock.unlock();
      if (const auto n = state_->enforceDeadlines(false))
        Poco::Logger::get("smtp").information("watchdog: closed " + std::to_string(n) +
                                              " connection(s) past their deadline");
      lock.lock();
    }
  });
  const int threads = static_cast<int>(state_->options.maxConnections + kRefusalThreads);
  pool_ = std::make_unique<Poco::ThreadPool>(2, threads, 60, kThreadStackBytes);
  std::vector<BoundListener> bound = bound_.empty() ? bindListeners(specs_) : std::move(bound_);
  bound_.clear();
  for (auto& listener : bound) {
    auto params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(256);
    params->setThreadIdleTime(Poco::Timespan(60, 0));
    servers_.push_back(std::make_unique<Poco::Net::TCPServer>(
        new SmtpConnectionFactory(state_, listener.spec.kind), *pool_, listener.socket, params));
  }
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    servers_[i]->start();
    Poco::Logger::get("smtp").information("listening on " + specs_[i].host + ":" +
                                          std::to_string(servers_[i]->port()) + " (" +
                                          kindName(specs_[i].kind) + ")");
  }
}

void SmtpServer::stop() {
  const auto now = std::chrono::steady_clock::now();
  state_->graceDeadlineNs.store((now + state_->options.shutdownGrace).time_since_epoch().count());
  state_->stopping.store(true);
  state_->stopEvent.signal();
  for (auto& server : servers_) server->stop();  // no new connections; running ones see `stopping`
  // Each connection waiting for input is woken by stopEvent; a transaction gets the grace period, a
  // blocked write its send timeout.
  if (!state_->waitDrained(now + state_->options.shutdownGrace + std::chrono::seconds(2))) {
    // Whatever is still open is blocked in a handshake, a read inside a TLS record or a write to a client
    // that does not read: end it, so that shutdown has a bound.
    const auto n = state_->enforceDeadlines(true);
    Poco::Logger::get("smtp").warning("shutdown: closing " + std::to_string(n) +
                                      " connection(s) still open after the grace period");
    state_->waitDrained(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }
  if (pool_) pool_->joinAll();
  servers_.clear();
  stopWatchdog();
}

void SmtpServer::stopWatchdog() {
  {
    std::lock_guard lock(watchdogMutex_);
    watchdogStop_ = true;
  }
  watchdogWake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

std::vector<std::uint16_t> SmtpServer::boundPorts() const {
  std::vector<std::uint16_t> ports;
  for (const auto& server : servers_) ports.push_back(server->port());
  return ports;
}

std::size_t SmtpServer::activeConnections() const { return state_->active(); }

}  // namespace postern::net
