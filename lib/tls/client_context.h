// tls::ClientContext — the TLS context for outbound connections (the relay to the smarthost), and what
// the last client handshake on this thread negotiated or why it failed.
//
// Owns: client TLS policy: TLS 1.2 minimum (or 1.3), peer certificate verification against one CA file
// or the system bundle, and the server name the certificate must match (checked by OpenSSL itself,
// X509_VERIFY_PARAM_set1_host / set1_ip_asc, RFC 6125), SNI. Poco's SSLManager and its
// InvalidCertificateHandler stay out of the path: a verification failure fails the handshake with a
// Poco::Net::SSLException and lastClientHandshake() says why; nothing prompts, nothing needs an
// application configuration. Must not know: SMTP.
// Thread-safety: a built context is shared read-only by every connection to its server; the handshake
// record is per thread (the handshake runs in the connecting thread).
#pragma once

#include <Poco/Net/Context.h>

#include <optional>
#include <string>

namespace postern::tls {

struct ClientPolicy {
  std::string verifyHost;           // the name (or IP literal) the server certificate must carry
  std::string caFile;               // PEM file or directory of trusted CAs; empty: the system bundle
  std::string minProtocol = "1.2";  // "1.2" or "1.3"
  std::string ciphers = "DEFAULT:!aNULL:!eNULL";  // TLS 1.2 suites; OpenSSL's defaults, never unauthenticated
};

// Builds the context; throws core::Error (permanent) naming the CA file when it cannot be loaded.
Poco::Net::Context::Ptr makeClientContext(const ClientPolicy& policy);

// True when host is an IPv4 or IPv6 literal (no SNI is sent for those, RFC 6066 §3).
bool isIpLiteral(const std::string& host);

struct ClientHandshake {
  std::string version;  // "TLSv1.3"; empty until a handshake completed
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  std::string
      verifyError;  // first certificate problem, "unable to get local issuer certificate"; empty if none
};

// What the most recent client handshake on this thread negotiated or why verification failed. Call
// clearLastClientHandshake() before a handshake.
ClientHandshake lastClientHandshake();
void clearLastClientHandshake();

}  // namespace postern::tls
