// HandshakePair — a TLS client and a server SSL joined by an in-memory BIO pair, so that handshakes,
// session tickets and resumption are tested without sockets.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

#include "core/c_handle.h"

namespace postern::test {

using SslCtx = core::CHandle<SSL_CTX, SSL_CTX_free>;
using Ssl = core::CHandle<SSL, SSL_free>;
using SslSession = core::CHandle<SSL_SESSION, SSL_SESSION_free>;

// A client context that trusts anything (the tests look at the server's certificate themselves).
inline SslCtx makeTestClientContext(int version) {
  SslCtx ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  return ctx;
}

struct HandshakeResult {
  bool reused = false;
  std::string subject;  // the server certificate's subject, one-line form
  SslSession session;   // the session to resume next time (ticket included)
};

// Runs one handshake of a fresh client SSL (resuming `resume` when given) against a fresh server SSL of
// serverCtx, then one application byte each way so that TLS 1.3 tickets reach the client.
inline HandshakeResult runHandshake(SSL_CTX* clientCtx, SSL_CTX* serverCtx, SSL_SESSION* resume = nullptr) {
  Ssl client(SSL_new(clientCtx));
  Ssl server(SSL_new(serverCtx));
  BIO* clientBio = nullptr;
  BIO* serverBio = nullptr;
  BIO_new_bio_pair(&clientBio, 0, &serverBio, 0);
  SSL_set_bio(client.get(), clientBio, clientBio);
  SSL_set_bio(server.get(), serverBio, serverBio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  if (resume) SSL_set_session(client.get(), resume);
  bool clientDone = false, serverDone = false;
  for (int round = 0; round < 50 && !(clientDone && serverDone); ++round) {
    if (!clientDone) {
      const int r = SSL_do_handshake(client.get());
      if (r == 1)
        clientDone = true;
      else if (SSL_get_error(client.get(), r) != SSL_ERROR_WANT_READ)
        throw std::runtime_error("client handshake failed");
    }
    if (!serverDone) {
      const int r = SSL_do_handshake(server.get());
      if (r == 1)
        serverDone = true;
      else if (SSL_get_error(server.get(), r) != SSL_ERROR_WANT_READ)
        throw std::runtime_error("server handshake failed");
    }
  }
  if (!(clientDone && serverDone)) throw std::runtime_error("handshake did not finish");
  char byte = 'x';
  SSL_write(server.get(), &byte, 1);
  SSL_read(client.get(), &byte, 1);
  SSL_write(client.get(), &byte, 1);
  SSL_read(server.get(), &byte, 1);
  HandshakeResult result;
  result.reused = SSL_session_reused(client.get()) == 1;
  if (X509* peer = SSL_get0_peer_certificate(client.get())) {
    char buffer[256];
    X509_NAME_oneline(X509_get_subject_name(peer), buffer, sizeof buffer);
    result.subject = buffer;
  }
  result.session.reset(SSL_get1_session(client.get()));
  // A client SSL freed without close_notify marks its session not resumable (OpenSSL's "bad session").
  SSL_shutdown(client.get());
  SSL_shutdown(server.get());
  ERR_clear_error();
  return result;
}

}  // namespace postern::test
