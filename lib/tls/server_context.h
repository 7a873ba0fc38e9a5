// tls::ServerContext — the TLS context every inbound connection uses (STARTTLS on 587/2525, implicit TLS
// on 465), and what the handshake negotiated.
//
// Owns: Poco/OpenSSL server context policy: TLS 1.2 minimum (or 1.3), forward-secret cipher suites only,
// no client certificates, no renegotiation; the certificate files; the self-signed fallback for first
// start; session tickets (sealed by a shared TicketKeyRing, or off). Replacing a context while listeners
// run is ContextHolder's and CertificateReloader's. Must not know: SMTP. Thread-safety: a built context is
// shared read-only by all connections; lastHandshake() is per thread (the handshake runs in the connection's
// thread).
#pragma once

#include <Poco/Net/Context.h>

#include <memory>
#include <optional>
#include <string>

#include "tls/ticket_key_ring.h"

namespace postern::tls {

struct ServerPolicy {
  std::string certificateFile;  // PEM chain, server certificate first
  std::string privateKeyFile;
  std::string ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL";
  std::string minProtocol = "1.2";  // "1.2" or "1.3"
  // Seals session tickets (TLS 1.2 and 1.3 resumption) with rotating keys, shared by every context built
  // with it. None: OpenSSL's own per-context key, which never rotates.
  std::shared_ptr<TicketKeyRing> ticketKeys = nullptr;
  bool sessionTickets = true;  // false: no tickets at all, every connection makes a full handshake
};

struct HandshakeInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  unsigned bits = 0;
  bool resumed = false;
};

// Builds the context; throws core::Error (permanent) naming the file when a certificate or key cannot be
// loaded or does not match.
Poco::Net::Context::Ptr makeServerContext(const ServerPolicy& policy);

// What the most recent handshake on this thread negotiated (filled by an OpenSSL info callback).
std::optional<HandshakeInfo> lastHandshake();
void clearLastHandshake();

struct GeneratedCertificate {
  std::string certificateFile;
  std::string privateKeyFile;
  bool created = false;  // false: the files existed already
};

// Makes sure <dir>/selfsigned.crt and <dir>/selfsigned.key exist: an RSA-2048 key (0600) and a
// self-signed certificate for hostname (subjectAltName DNS:hostname, ten years). Existing files are kept.
GeneratedCertificate ensureSelfSigned(const std::string& dir, const std::string& hostname);

}  // namespace postern::tls
