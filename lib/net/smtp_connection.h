// net::SmtpConnection — one client connection: socket ↔ smtp::Session. Internal to net.
//
// Reads whatever the client sent, feeds it to the session, writes the replies the session queued once it
// has consumed that input (so pipelined commands get their replies in one write, RFC 2920), performs the
// TLS handshake at start (implicit TLS) or on the session's request (STARTTLS), and ends the session on
// timeout or server shutdown. The values it puts into log lines (client address, login, error details)
// go through core::logValue(), so whatever a client sent stays inside one field of one line.
// Thread-safety: runs entirely in one pool thread.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/socket_wait.h"
#include "net/smtp_server.h"

namespace postern::net {

class SmtpConnection final : public Poco::Net::TCPServerConnection, public smtp::SessionOutput {
 public:
  SmtpConnection(const Poco::Net::StreamSocket& socket, std::shared_ptr<SmtpServer::State> state,
                 ListenerKind kind);
  ~SmtpConnection() override;

  void run() override;

  // smtp::SessionOutput
  void send(const core::Reply& reply) override;
  void startTls() override;
  void pause(std::chrono::milliseconds delay) override;
  void log(smtp::LogLevel level, std::string_view event, std::string_view detail) override;

 private:
  void serve();
  bool handshake();                           // false: failed (logged)
  bool waitForInput(smtp::Session& session);  // false: the session was ended (timeout or shutdown)
  void flush();
  void refuse(const std::string& why);

  std::shared_ptr<SmtpServer::State> state_;
  ListenerKind kind_;
  Poco::Net::StreamSocket socket_;  // the plain socket, or the SecureStreamSocket once TLS is up
  std::uint64_t id_ = 0;
  std::string clientAddress_;
  std::string clientGroup_;  // what the per-client caps count by
  std::chrono::steady_clock::time_point loginDeadline_;
  std::string logPrefix_;
  Poco::Logger& logger_;
  std::string pending_;  // replies not yet written
  std::chrono::milliseconds pause_{0};
  core::TimeoutSetting receiveTimeout_;
  bool tlsRequested_ = false;
  bool closeAfterFlush_ = false;
  bool admitted_ = false;
  std::unique_ptr<smtp::TlsInfo> tls_;
  const smtp::Session* session_ = nullptr;  // for the user= log field while the session runs
};

class SmtpConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  SmtpConnectionFactory(std::shared_ptr<SmtpServer::State> state, ListenerKind kind)
      : state_(std::move(state)), kind_(kind) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new SmtpConnection(socket, state_, kind_);
  }

 private:
  std::shared_ptr<SmtpServer::State> state_;
  ListenerKind kind_;
};

}  // namespace postern::net
