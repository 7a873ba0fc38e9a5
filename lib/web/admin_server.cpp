#include "web/admin_server.h"

#include <Poco/Logger.h>
#include <Poco/Net/SocketAddress.h>

#include <unistd.h>

#include "web/admin_connection.h"

namespace postern::web {

namespace {
constexpr int kThreadStackBytes = 1024 * 1024;
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(250);
}  // namespace

Poco::Net::ServerSocket bindAdminListener(const std::string& host, std::uint16_t port,
                                          const std::string& setting) {
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR for a quick restart, not SO_REUSEPORT: a second server on the port must fail here.
    socket.bind(Poco::Net::SocketAddress(host, port), true, false);
    socket.listen(64);
  } catch (const Poco::Exception& e) {
    std::string hint;
    if (port < 1024 && ::geteuid() != 0) hint = "; ports below 1024 need root or CAP_NET_BIND_SERVICE";
    throw Poco::IOException("cannot listen on " + host + ":" + std::to_string(port) + " (" + setting +
                            "): " + e.displayText() + hint);
  }
  return socket;
}

AdminServer::AdminServer(std::vector<Poco::Net::ServerSocket> listeners, tls::ContextSource tlsContext,
                         NetworkList allowedNetworks, std::shared_ptr<const RequestDispatcher> dispatcher,
                         AdminServerOptions options)
    : listeners_(std::move(listeners)),
      state_(std::make_shared<State>(std::move(tlsContext), std::move(allowedNetworks), std::move(dispatcher),
                                     options)) {}

AdminServer::~AdminServer() {
  if (started_) stop();
}

void AdminServer::start() {
  state_->watchdog.start(kWatchdogPeriod);
  const int threads = static_cast<int>(state_->options.maxThreads);
  pool_ = std::make_unique<Poco::ThreadPool>(1, threads, 60, kThreadStackBytes);
  for (auto& socket : listeners_) {
    const Poco::Net::TCPServerParams::Ptr params(state_->httpParams.get(), true);  // shared, not taken over
    servers_.push_back(
        std::make_unique<Poco::Net::TCPServer>(new AdminConnectionFactory(state_), *pool_, socket, params));
  }
  state_->queuedConnections = [this] {
    int queued = 0;
    for (const auto& server : servers_) queued += server->queuedConnections();
    return queued;
  };
  for (auto& server : servers_) server->start();
  started_ = true;
}

void AdminServer::stop() {
  if (!started_) return;
  started_ = false;
  state_->stopping.store(true);
  for (auto& server : servers_) server->stop();
  // Idle connections notice within one poll slice; a request being answered gets the grace period.
  const auto grace = std::chrono::steady_clock::now() + state_->options.shutdownGrace;
  if (!state_->waitDrained(grace)) {
    const auto n = state_->watchdog.expireAll();
    Poco::Logger::get("web").warning("shutdown: closing " + std::to_string(n) +
                                     " admin connection(s) still open after the grace period");
    state_->waitDrained(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }
  if (pool_) pool_->joinAll();
  servers_.clear();
  state_->watchdog.stop();
}

std::vector<std::uint16_t> AdminServer::ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& socket : listeners_) ports.push_back(socket.address().port());
  return ports;
}

}  // namespace postern::web
