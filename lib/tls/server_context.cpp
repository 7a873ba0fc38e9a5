#include "tls/server_context.h"

#include <Poco/Exception.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/error.h"

namespace postern::tls {

namespace {

thread_local std::optional<HandshakeInfo> tLastHandshake;

void infoCallback(const SSL* ssl, int where, int /*ret*/) {
  if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
  HandshakeInfo info;
  info.version = SSL_get_version(ssl);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  info.cipher = cipher ? SSL_CIPHER_get_name(cipher) : "";
  int bits = 0;
  if (cipher) SSL_CIPHER_get_bits(cipher, &bits);
  info.bits = bits > 0 ? static_cast<unsigned>(bits) : 0;
  info.resumed = SSL_session_reused(const_cast<SSL*>(ssl)) == 1;
  tLastHandshake = info;
}

std::string opensslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

Poco::Net::Context::Ptr makeServerContext(const ServerPolicy& policy) {
  using Poco::Net::Context;
  Context::Params params;
  params.certificateFile = policy.certificateFile;
  params.privateKeyFile = policy.privateKeyFile;
  params.verificationMode = Context::VERIFY_NONE;  // VERIFY_RELAXED would ask clients for certificates
  params.cipherList = policy.ciphers;
  params.loadDefaultCAs = false;
  Context::Ptr context;
  try {
    context = new Context(Context::TLS_SERVER_USE, params);
  } catch (const Poco::Exception& e) {
    throw core::Error::permanent("TLS certificate " + policy.certificateFile + " / key " +
                                 policy.privateKeyFile + ": " + e.displayText());
  }
  context->requireMinimumProtocol(policy.minProtocol == "1.3" ? Context::PROTO_TLSV1_3
                                                              : Context::PROTO_TLSV1_2);
  SSL_CTX* ctx = context->sslContext();
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw core::Error::permanent("TLS key " + policy.privateKeyFile + " does not match certificate " +
                                 policy.certificateFile);
  // Client-initiated renegotiation is a denial-of-service lever and has no use in submission.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // A connection waiting for its client gives its record buffers (about 34 KiB) back; a thousand idle
  // authenticated connections would otherwise hold 34 MiB.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(ctx, policy.ciphers.c_str()) != 1)
    throw core::Error::permanent("tls.ciphers '" + policy.ciphers + "': " + opensslError());
  // tls.ciphers is the admin's to tune, but the promise of forward secrecy is not: every TLS 1.2 suite
  // must use an ephemeral key exchange (TLS 1.3 suites always do; OpenSSL reports them as "any").
  STACK_OF(SSL_CIPHER)* suites = SSL_CTX_get_ciphers(ctx);
  for (int i = 0; suites && i < sk_SSL_CIPHER_num(suites); ++i) {
    const SSL_CIPHER* suite = sk_SSL_CIPHER_value(suites, i);
    const int kx = SSL_CIPHER_get_kx_nid(suite);
    if (kx != NID_kx_ecdhe && kx != NID_kx_dhe && kx != NID_kx_any)
      throw core::Error::permanent(std::string("tls.ciphers '") + policy.ciphers + "' allows " +
                                   SSL_CIPHER_get_name(suite) + ", which has no forward secrecy");
  }
  SSL_CTX_set_info_callback(ctx, infoCallback);
  if (!policy.sessionTickets) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);  // TLS 1.3 would otherwise still send stateful tickets
  } else if (policy.ticketKeys) {
    installTicketKeys(ctx, policy.ticketKeys);
  }
  return context;
}

std::optional<HandshakeInfo> lastHandshake() { return tLastHandshake; }
void clearLastHandshake() { tLastHandshake.reset(); }

}  // namespace postern::tls
