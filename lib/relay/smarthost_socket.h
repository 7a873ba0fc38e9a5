// relay::SmarthostSocket — one TCP connection to a smarthost, plain or TLS, with bounded line reads and
// deadline-bound reads and writes. Internal to relay.
//
// Owns: name resolution (bounded by the connect deadline) and connecting to every address of the host in
// turn, the TLS handshake (implicit TLS at start or after STARTTLS; the plaintext socket is never used again
// afterwards), a read buffer with a line-length bound, and mapping every Poco/OpenSSL failure to a
// TransportError. Must not know: SMTP commands or replies. Thread-safety: one thread at a time.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/socket_wait.h"
#include "relay/host_lookup.h"

namespace postern::relay {

using Deadline = std::chrono::steady_clock::time_point;

inline Deadline deadlineIn(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

class TransportError : public std::runtime_error {
 public:
  enum class Kind { Timeout, Closed, Failed, LineTooLong };
  TransportError(Kind kind, const std::string& detail) : std::runtime_error(detail), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class SmarthostSocket {
 public:
  SmarthostSocket() = default;
  ~SmarthostSocket();
  SmarthostSocket(const SmarthostSocket&) = delete;
  SmarthostSocket& operator=(const SmarthostSocket&) = delete;

  // Resolves host (within the deadline: host_lookup.h; lookup empty means the system resolver) and tries
  // each address until one accepts. Throws TransportError with the last address's error ("Connection
  // refused", "timed out", "host not found", "DNS lookup timed out after 30 s").
  void connect(const std::string& host, std::uint16_t port, Deadline deadline,
               const BlockingLookup& lookup = {});

  // Runs the client handshake on the connected socket. serverName is sent as SNI (unless it is an IP
  // literal); the context decides what the certificate must match. Throws TransportError (Failed) with
  // the reason ("certificate verify failed (hostname mismatch)").
  void startTls(const Poco::Net::Context::Ptr& context, const std::string& serverName, Deadline deadline);

  // The next line without its line ending (CRLF or a bare LF). Throws TransportError (LineTooLong when
  // maxLength bytes arrive without a line ending).
  std::string readLine(Deadline deadline, std::size_t maxLength);

  // Writes every byte. Throws TransportError.
  void write(std::string_view bytes, Deadline deadline);

  // Bytes received but not yet returned by readLine (RFC 3207 §5: must be empty when TLS starts).
  std::size_t buffered() const { return buffer_.size() - consumed_; }

  // True when the peer has closed or sent something unasked: an idle connection in that state is dead.
  bool peerClosedOrSpoke();

  bool connected() const { return connected_; }
  bool secure() const { return secure_; }
  std::string tlsVersion() const { return tlsVersion_; }
  std::string tlsCipher() const { return tlsCipher_; }

  // Closes without any goodbye (no TLS close_notify wait).
  void close() noexcept;

 private:
  void fill(Deadline deadline);

  Poco::Net::StreamSocket socket_;  // the plain socket, or the SecureStreamSocket once TLS is up
  bool connected_ = false;
  bool secure_ = false;
  std::string tlsVersion_;
  std::string tlsCipher_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  core::TimeoutSetting receiveTimeout_;
  core::TimeoutSetting sendTimeout_;
};

}  // namespace postern::relay
