#include "relay/smarthost_socket.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <algorithm>
#include <array>

#include "relay/host_lookup.h"
#include "tls/client_context.h"

namespace postern::relay {

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr auto kMinimumSlice = std::chrono::milliseconds(1);
// The socket timeouts only bound one blocking call: a send with no buffer space freed, a TLS read that
// stops inside a record (the wait for a reply is poll's, bound by the deadline). Capped here, so the
// different deadlines of successive commands do not each need a setsockopt; as a deadline draws nearer
// than the cap, the timeout follows it down.
constexpr auto kBlockingCallCap = std::chrono::milliseconds(60'000);

std::chrono::milliseconds remaining(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left;
}

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max(ms, kMinimumSlice).count()) * 1000);
}

std::chrono::milliseconds requireTime(Deadline deadline) {
  const auto left = remaining(deadline);
  if (left <= std::chrono::milliseconds(0)) throw TransportError(TransportError::Kind::Timeout, "timed out");
  return left;
}

[[noreturn]] void rethrowAsTransportError() {
  try {
    throw;
  } catch (const TransportError&) {
    throw;
  } catch (const Poco::TimeoutException&) {
    throw TransportError(TransportError::Kind::Timeout, "timed out");
  } catch (const Poco::Net::ConnectionResetException&) {
    throw TransportError(TransportError::Kind::Closed, "connection reset by peer");
  } catch (const Poco::Net::SSLException& e) {
    throw TransportError(TransportError::Kind::Failed, "TLS error: " + e.message());
  } catch (const Poco::Exception& e) {
    throw TransportError(TransportError::Kind::Failed, e.displayText());
  }
}

std::string connectError(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e)) return "Connection refused";
  if (dynamic_cast<const Poco::TimeoutException*>(&e)) return "timed out";
  if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) ||
      dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e))
    return "host not found";
  return e.displayText();
}

// "error:0A000086:SSL routines::certificate verify failed" → "certificate verify failed".
std::string sslReason(const std::string& text) {
  const auto pos = text.rfind("::");
  return pos == std::string::npos ? text : text.substr(pos + 2);
}

}  // namespace

SmarthostSocket::~SmarthostSocket() { close(); }

void SmarthostSocket::connect(const std::string& host, std::uint16_t port, Deadline deadline,
                              const BlockingLookup& lookup) {
  std::vector<Poco::Net::IPAddress> addresses;
  Poco::Net::IPAddress literal;
  if (Poco::Net::IPAddress::tryParse(host, literal)) {
    addresses.push_back(literal);
  } else {
    addresses = lookupWithin(host, remaining(deadline), lookup);  // counts against the connect deadline
  }
  std::string lastError = "host not found";
  for (const auto& address : addresses) {
    const auto left = remaining(deadline);
    if (left <= std::chrono::milliseconds(0))
      throw TransportError(TransportError::Kind::Timeout, "timed out");
    try {
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress(address, port), toTimespan(left));
      socket.setNoDelay(true);
      socket_ = socket;
      receiveTimeout_.forget();
      sendTimeout_.forget();
      connected_ = true;
      return;
    } catch (const Poco::Exception& e) {
      lastError = connectError(e);
    }
  }
  throw TransportError(TransportError::Kind::Failed, lastError);
}

void SmarthostSocket::startTls(const Poco::Net::Context::Ptr& context, const std::string& serverName,
                               Deadline deadline) {
  const auto left = requireTime(deadline);
  tls::clearLastClientHandshake();
  try {
    // Poco's blocking handshake waits the receive timeout, then polls that long again (NOTES §2): halve it.
    socket_.setReceiveTimeout(toTimespan(left / 2));
    socket_.setSendTimeout(toTimespan(left));
    receiveTimeout_.forget();
    sendTimeout_.forget();
    const std::string sni = tls::isIpLiteral(serverName) ? std::string() : serverName;
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(socket_, sni, context);
    socket_ = secure;  // from here on only the secure socket may touch the descriptor
  } catch (const Poco::Exception& e) {
    const tls::ClientHandshake record = tls::lastClientHandshake();
    close();
    if (!record.verifyError.empty())
      throw TransportError(TransportError::Kind::Failed,
                           "certificate verify failed (" + record.verifyError + ")");
    if (dynamic_cast<const Poco::TimeoutException*>(&e))
      throw TransportError(TransportError::Kind::Timeout, "TLS handshake timed out");
    throw TransportError(TransportError::Kind::Failed,
                         sslReason(e.message().empty() ? e.displayText() : e.message()));
  }
  const tls::ClientHandshake record = tls::lastClientHandshake();
  secure_ = true;
  tlsVersion_ = record.version;
  tlsCipher_ = record.cipher;
  buffer_.clear();
  consumed_ = 0;
}

void SmarthostSocket::fill(Deadline deadline) {
  if (!connected_) throw TransportError(TransportError::Kind::Closed, "not connected");
  const auto left = requireTime(deadline);
  try {
    // available(): bytes OpenSSL already decrypted, which poll() on the descriptor cannot see.
    if ((!secure_ || socket_.available() <= 0) && !core::waitReadable(socket_.impl()->sockfd(), left))
      throw TransportError(TransportError::Kind::Timeout, "timed out");
    std::array<char, kReadChunk> chunk;
    int n = 0;
    for (;;) {
      // A backstop for a read that stops inside a TLS record; set again only when it changes much.
      const auto now = requireTime(deadline);
      const auto backstop = std::min(secure_ ? std::max(now / 2, kMinimumSlice) : now, kBlockingCallCap);
      if (receiveTimeout_.needs(backstop)) socket_.setReceiveTimeout(toTimespan(backstop));
      try {
        n = socket_.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
        break;
      } catch (const Poco::TimeoutException&) {
        if (remaining(deadline) <= std::chrono::milliseconds(0)) throw;  // else the cap ran out: go on
      }
    }
    if (n == 0) throw TransportError(TransportError::Kind::Closed, "connection closed by the server");
    if (n < 0) throw TransportError(TransportError::Kind::Timeout, "timed out");
    if (consumed_ > 0) {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
  } catch (...) {
    rethrowAsTransportError();
  }
}

std::string SmarthostSocket::readLine(Deadline deadline, std::size_t maxLength) {
  for (;;) {
    const std::string_view unread = std::string_view(buffer_).substr(consumed_);
    const auto lf = unread.find('\n');
    if (lf != std::string_view::npos) {
      std::string_view line = unread.substr(0, lf);
      consumed_ += lf + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > maxLength)
        throw TransportError(TransportError::Kind::LineTooLong,
                             "reply line longer than " + std::to_string(maxLength) + " bytes");
      return std::string(line);
    }
    if (unread.size() > maxLength)
      throw TransportError(TransportError::Kind::LineTooLong,
                           "reply line longer than " + std::to_string(maxLength) + " bytes");
    fill(deadline);
  }
}

void SmarthostSocket::write(std::string_view bytes, Deadline deadline) {
  if (!connected_) throw TransportError(TransportError::Kind::Closed, "not connected");
  try {
    while (!bytes.empty()) {
      if (const auto limit = std::min(requireTime(deadline), kBlockingCallCap); sendTimeout_.needs(limit))
        socket_.setSendTimeout(toTimespan(limit));
      int n = 0;
      try {
        n = socket_.sendBytes(bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
      } catch (const Poco::TimeoutException&) {
        if (remaining(deadline) <= std::chrono::milliseconds(0)) throw;
        continue;  // the cap ran out before the deadline: the same bytes again
      }
      if (n <= 0) throw TransportError(TransportError::Kind::Closed, "connection closed while writing");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  } catch (...) {
    rethrowAsTransportError();
  }
}

bool SmarthostSocket::peerClosedOrSpoke() {
  if (!connected_) return true;
  if (buffered() > 0) return true;
  try {
    return (secure_ && socket_.available() > 0) ||
           core::waitReadable(socket_.impl()->sockfd(), std::chrono::milliseconds(0));
  } catch (const Poco::Exception&) {
    return true;
  }
}

void SmarthostSocket::close() noexcept {
  if (!connected_) return;
  connected_ = false;
  try {
    if (secure_) {
      // abort(): no close_notify exchange, which could block on a silent peer.
      Poco::Net::SecureStreamSocket(socket_).abort();
    } else {
      socket_.close();
    }
  } catch (...) {
  }
  secure_ = false;
}

}  // namespace postern::relay
