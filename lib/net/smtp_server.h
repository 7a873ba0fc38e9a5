// net::SmtpServer — the listeners and connections that carry bytes between TCP/TLS sockets and
// smtp::Session. Three listener kinds share one bounded worker pool: submission (STARTTLS required),
// submissions (implicit TLS, RFC 8314) and alternate (submission's rules on another port).
//
// Owns: sockets, the TLS handshake (at connection start or after STARTTLS, with the context current at that
// moment: a certificate reload reaches new handshakes only), read timeouts, flushing
// replies once the session has consumed the client's pipelined input (RFC 2920), connection caps (total
// and per client address), graceful shutdown (idle sessions get 421 at once; a transaction in DATA gets
// up to the grace period).
// Must not know: SMTP grammar (the session decides every reply), SASL, the spool's files.
// Thread-safety: start()/stop() from one controlling thread; connections run on the pool.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "smtp/ports.h"
#include "smtp/session.h"
#include "tls/context_holder.h"

namespace postern::net {

// The key that per-client limits count by: an IPv4 address as is, an IPv6 address by its /64 (one host
// usually holds a whole /64, so counting single IPv6 addresses would not limit it at all), and an
// IPv4-mapped IPv6 address as its IPv4 address.
std::string clientGroup(const std::string& address);

enum class ListenerKind { Submission, Submissions, Alternate };
const char* kindName(ListenerKind kind);

struct ListenerSpec {
  ListenerKind kind = ListenerKind::Submission;
  std::string host = "0.0.0.0";
  std::uint16_t port = 587;  // 0: any free port (tests); boundPort() tells which
};

// A listening socket bound (and listening) before the server exists: bound while the process may still
// be root, served only once SmtpServer::start() runs, after privileges are dropped. Until then the kernel
// holds arriving connections in the backlog and no byte of theirs is read.
struct BoundListener {
  ListenerSpec spec;
  Poco::Net::ServerSocket socket;
};

// Binds and listens on every spec, in order. Throws Poco::IOException naming the listener's setting when
// a port cannot be bound.
std::vector<BoundListener> bindListeners(const std::vector<ListenerSpec>& specs);

struct ServerOptions {
  std::size_t maxConnections = 200;
  std::size_t maxConnectionsPerIp = 20;
  std::chrono::seconds shutdownGrace{30};
  std::chrono::seconds handshakeTimeout{30};
  // From connecting until AUTH has succeeded, TLS handshake included: an unauthenticated client cannot
  // hold a connection slot longer than this, however it paces its bytes.
  std::chrono::seconds loginTimeout{120};
};

// What the connections report for the server's metrics (README "Metrics"). Optional; shared by all
// connections; thread-safe; must not throw.
class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  virtual void connected(ListenerKind kind) = 0;  // admitted under the connection caps
  virtual void refused(ListenerKind kind) = 0;    // over smtp.max_connections(_per_ip), or shutting down
  // A TLS handshake ended (implicit TLS at connect, or after STARTTLS).
  virtual void tlsHandshake(ListenerKind kind, bool succeeded) = 0;
};

// What each connection needs to build its session. Shared objects must be thread-safe (smtp/ports.h).
struct SessionEnvironment {
  smtp::SessionConfig sessionConfig;
  smtp::SenderDirectory* senders = nullptr;
  smtp::Spool* spool = nullptr;
  const core::Clock* clock = nullptr;
  smtp::MessageSigner* signer = nullptr;         // DKIM; none: mail is queued unsigned
  smtp::SessionEvents* sessionEvents = nullptr;  // metrics; none: nothing is counted
  ConnectionEvents* connectionEvents = nullptr;  // metrics; none: nothing is counted
  smtp::SendingLimits* sendingLimits = nullptr;  // per-user sending limits; none: no limit
  // A fresh authenticator for a connection from clientAddress.
  std::function<std::unique_ptr<smtp::Authenticator>(const std::string& clientAddress)> makeAuthenticator;
};

class SmtpServer {
 public:
  SmtpServer(std::vector<ListenerSpec> listeners, ServerOptions options, SessionEnvironment environment,
             tls::ContextSource tlsContext);
  // With sockets bound earlier (bindListeners); start() binds nothing then.
  SmtpServer(std::vector<BoundListener> listeners, ServerOptions options, SessionEnvironment environment,
             tls::ContextSource tlsContext);
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Binds every listener not bound yet and starts accepting. Throws Poco::Exception when a port cannot be
  // bound.
  void start();
  // Stops accepting, asks sessions to finish (see the header comment) and waits for all connections.
  void stop();

  // The port a listener actually bound (useful with port 0), in the order given to the constructor.
  std::vector<std::uint16_t> boundPorts() const;
  std::size_t activeConnections() const;

  // Shared state for connections; defined in net/server_state.h.
  struct State;

 private:
  void stopWatchdog();

  std::vector<ListenerSpec> specs_;
  std::vector<BoundListener> bound_;  // from the second constructor, consumed by start()
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::vector<std::unique_ptr<Poco::Net::TCPServer>> servers_;
  std::thread watchdog_;
  std::mutex watchdogMutex_;
  std::condition_variable watchdogWake_;
  bool watchdogStop_ = false;
};

}  // namespace postern::net
