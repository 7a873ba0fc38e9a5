#include "tls/client_context.h"

#include <Poco/Exception.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/error.h"

namespace postern::tls {

namespace {

thread_local ClientHandshake tClientHandshake;

// Replaces Poco's SSLManager::verifyServerCallback, which would consult an InvalidCertificateHandler
// (and with it Poco::Util::Application's configuration). OpenSSL's verdict stands; only the reason is kept.
int recordingVerifyCallback(int preverifyOk, X509_STORE_CTX* store) {
  if (!preverifyOk && tClientHandshake.verifyError.empty()) {
    const int error = X509_STORE_CTX_get_error(store);
    tClientHandshake.verifyError = X509_verify_cert_error_string(error);
  }
  return preverifyOk;
}

void infoCallback(const SSL* ssl, int where, int /*ret*/) {
  if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
  tClientHandshake.version = SSL_get_version(ssl);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  tClientHandshake.cipher = cipher ? SSL_CIPHER_get_name(cipher) : "";
}

std::string opensslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

void requireServerName(SSL_CTX* ctx, const std::string& host) {
  if (host.empty()) throw core::Error::permanent("TLS client context: no server name to verify");
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = isIpLiteral(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                   : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) throw core::Error::permanent("TLS client context: cannot verify against '" + host + "'");
}

}  // namespace

bool isIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Poco::Net::Context::Ptr makeClientContext(const ClientPolicy& policy) {
  using Poco::Net::Context;
  Context::Params params;
  params.caLocation = policy.caFile;
  params.loadDefaultCAs = policy.caFile.empty();      // SSL_CTX_set_default_verify_paths: /etc/ssl/certs
  params.verificationMode = Context::VERIFY_RELAXED;  // SSL_VERIFY_PEER; the callback is replaced below
  params.cipherList = policy.ciphers;
  Context::Ptr context;
  try {
    context = new Context(Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    throw core::Error::permanent("TLS CA file '" + policy.caFile + "': " + e.displayText());
  }
  context->requireMinimumProtocol(policy.minProtocol == "1.3" ? Context::PROTO_TLSV1_3
                                                              : Context::PROTO_TLSV1_2);
  // Poco's own post-handshake name check skips loopback peers and is redundant with OpenSSL's; the
  // name is checked during the handshake instead, so a mismatch never yields a usable connection.
  context->enableExtendedCertificateVerification(false);
  SSL_CTX* ctx = context->sslContext();
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, recordingVerifyCallback);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(ctx, policy.ciphers.c_str()) != 1)
    throw core::Error::permanent("TLS client ciphers '" + policy.ciphers + "': " + opensslError());
  requireServerName(ctx, policy.verifyHost);
  SSL_CTX_set_info_callback(ctx, infoCallback);
  return context;
}

ClientHandshake lastClientHandshake() { return tClientHandshake; }
void clearLastClientHandshake() { tClientHandshake = ClientHandshake{}; }

}  // namespace postern::tls
