// web::AdminServer — the HTTPS listener of the web admin: Poco's HTTP machinery over TLS on a bounded
// pool of its own, answering through one RequestDispatcher. The public site (public.listen) runs on a
// second instance with its own dispatcher and every network allowed: the server knows no route.
//
// Owns: the listening sockets (bound early: bindAdminListener), the TLS handshake (TLS 1.2 or newer, the
// forward-secret suites of tls::makeServerContext), the client-network check at accept (clients outside
// admin.allowed_networks get a 403 and nothing else), HTTP/1.1 framing with keep-alive, the limits
// (request body 1 MiB: 413 from Content-Length before a byte of the body is read, and for chunked bodies
// while they are read; Poco's head limits: 100 fields, 256-byte names, 8 KiB values, 16 KiB target, each
// answered 400), deadlines no client can stretch (ConnectionWatchdog: handshake, then each request's head
// and body, however slowly they trickle), and shutdown (idle connections end at once, a request being
// answered may finish within the grace period).
// Must not know: what the routes do, sessions, admin services, SQL.
// Thread-safety: start()/stop() from one controlling thread; connections run on the pool.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tls/context_holder.h"
#include "web/network_list.h"
#include "web/request_dispatcher.h"

namespace postern::web {

struct AdminServerOptions {
  std::size_t maxThreads = 8;  // connections served at once (admin.max_threads)
  int maxQueued = 32;          // accepted connections waiting for a thread; more are closed
  std::chrono::seconds handshakeTimeout{10};
  std::chrono::seconds idleTimeout{10};     // for the first request and between keep-alive requests
  std::chrono::seconds readTimeout{10};     // one read of a request's head or body
  std::chrono::seconds requestTimeout{30};  // a whole request's head and body, however it is paced
  std::chrono::seconds sendTimeout{30};     // one write to a client that does not read
  int maxRequestsPerConnection = 100;
  std::size_t maxBodyBytes = 1024 * 1024;
  std::chrono::seconds shutdownGrace{5};
  std::string site = "admin";  // in log lines other than the admin's ("site=public conn=...")
};

// Binds and listens on host:port (as root, before privileges are dropped; served only once start() runs).
// Throws Poco::IOException naming the setting (admin.listen) when the port cannot be bound.
Poco::Net::ServerSocket bindAdminListener(const std::string& host, std::uint16_t port,
                                          const std::string& setting = "admin.listen");

class AdminServer {
 public:
  AdminServer(std::vector<Poco::Net::ServerSocket> listeners, tls::ContextSource tlsContext,
              NetworkList allowedNetworks, std::shared_ptr<const RequestDispatcher> dispatcher,
              AdminServerOptions options);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  void start();
  // Stops accepting, lets requests being answered finish (up to shutdownGrace), ends the rest, and waits
  // for every connection thread.
  void stop();

  // The port of each listener (useful with port 0), in the order given.
  std::vector<std::uint16_t> ports() const;

  // Shared with the connections; defined in web/admin_connection.h.
  struct State;

 private:
  std::vector<Poco::Net::ServerSocket> listeners_;
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::vector<std::unique_ptr<Poco::Net::TCPServer>> servers_;
  bool started_ = false;
};

}  // namespace postern::web
