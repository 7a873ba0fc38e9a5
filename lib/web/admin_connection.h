// web::AdminConnection — one TLS connection of the web admin, and the factory that decides at accept
// whether the client's network may use it. Internal to web (admin_server.cpp builds them).
//
// The loop is Poco's HTTPServerConnection::run() with the hooks the admin needs, built from the same
// parts (HTTPServerSession, HTTPServerRequestImpl, HTTPServerResponseImpl): Poco's own loop answers an
// unreadable head with a bare 400 that lacks the security header fields, and gives no point at which a
// request starts, which the per-request deadline needs. Here every answer written outside a handler (400,
// 413, 403) goes through standaloneErrorResponse(), and the deadline covers exactly the reading of one
// request. A connection reads the whole body (within the limit) before the dispatcher runs, so handlers
// never read from the client.
// Thread-safety: runs entirely in one pool thread; State is shared and thread-safe.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "web/admin_server.h"
#include "web/connection_watchdog.h"
#include "web/json_response.h"

namespace postern::web {

struct AdminServer::State {
  State(tls::ContextSource tls, NetworkList networks, std::shared_ptr<const RequestDispatcher> dispatch,
        AdminServerOptions opts);

  // Connections alive, to wait for at shutdown.
  void enter();
  void leave();
  bool waitDrained(std::chrono::steady_clock::time_point deadline);

  tls::ContextSource tlsContext;  // taken once per connection: a reload reaches new connections only
  NetworkList allowedNetworks;
  std::shared_ptr<const RequestDispatcher> dispatcher;
  AdminServerOptions options;
  Poco::Net::HTTPServerParams::Ptr httpParams;
  ConnectionWatchdog watchdog;
  std::atomic<bool> stopping{false};
  // Connections accepted and waiting for a thread (set by AdminServer::start): a connection idle between
  // requests gives its thread up to them.
  std::function<int()> queuedConnections = [] { return 0; };
  std::atomic<std::uint64_t> nextConnectionId{1};

 private:
  std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t active_ = 0;
};

class AdminConnection final : public Poco::Net::TCPServerConnection {
 public:
  // admitted: the client's address is in the allowed networks; otherwise it gets 403 and nothing else.
  AdminConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<AdminServer::State> state,
                  bool admitted);
  ~AdminConnection() override;

  void run() override;

 private:
  void handshake(Poco::Net::SecureStreamSocket& tls);
  void serve(Poco::Net::SecureStreamSocket& tls);
  void refuse(Poco::Net::SecureStreamSocket& tls);
  // False when the connection should end: idle too long, the server is stopping, or (between requests)
  // another connection waits for a thread.
  bool waitForRequest(Poco::Net::SecureStreamSocket& tls, bool first, bool bufferedInput);
  // Writes an answer outside any handler, then reads and drops what the client still sends (for a moment
  // and a bounded amount) before the close, so the answer is not lost to a TCP reset.
  void answerAndClose(Poco::Net::SecureStreamSocket& tls, const ErrorAnswer& answer);
  void setDeadline(std::chrono::seconds fromNow);
  void disconnected(const char* reason, const std::string& detail);

  std::shared_ptr<AdminServer::State> state_;
  bool admitted_;
  std::uint64_t id_;
  std::uint64_t watchId_ = 0;
  Poco::Net::IPAddress clientAddress_;
  std::string logPrefix_;
  Poco::Logger& logger_;
};

class AdminConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit AdminConnectionFactory(std::shared_ptr<AdminServer::State> state) : state_(std::move(state)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  std::shared_ptr<AdminServer::State> state_;
};

}  // namespace postern::web
