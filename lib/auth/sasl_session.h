// auth::SaslSession — one SMTP connection's SASL server side (RFC 4954 AUTH; RFC 4616 PLAIN; LOGIN as
// deployed), over Cyrus SASL, with passwords checked by auth::CredentialVerifier.
//
// Owns: the sasl_conn_t (core::CHandle). Mechanisms are hidden until setExternalSsf() reports TLS
// (SASL_SEC_NOPLAINTEXT; RFC 4954 §4: no plaintext passwords on an unprotected channel). start()/step()
// drive one exchange; challenges and responses are raw bytes (the caller does base64). After every
// exchange that ends in anything but Success the connection is disposed and a fresh one created, as
// Cyrus requires (NOTES-platform §4); reset() does the same when the client cancels with "*".
// Result mapping (NOTES-platform §4): SASL_NOUSER and SASL_BADAUTH → Failure (unknown user, disabled user,
// wrong and empty password look the same to the client); SASL_BADAUTH after a password that verified →
// AuthzRefused (authorization identity ≠ login; Cyrus compares the exact bytes); SASL_BADPROT/BADPARAM →
// Malformed; SASL_NOMECH, and SASL_ENCRYPT/TOOWEAK (mechanism not allowed before TLS) → NoMechanism; a
// store or hashing failure reported by the verifier, and every other code → Temporary.
// On Success, login is the canonical lower-case login from the store, whatever case the client typed.
// Never logs; the outcome's reason is for the caller's log, and holds no password or exchange data.
//
// Must not know: SMTP replies, sockets, base64. Thread-safety: one session is used by one thread at a time;
// sessions on different threads are independent. Requires a live auth::SaslLibrary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sasl/sasl.h>

#include "auth/credential_verifier.h"
#include "auth/sasl_library.h"
#include "core/c_handle.h"

namespace postern::auth {

struct SaslOutcome {
  enum class Status { Continue, Success, Failure, Malformed, NoMechanism, AuthzRefused, Temporary };
  Status status = Status::Failure;
  std::string challenge;  // with Continue: raw bytes to send (base64-encoded) to the client
  std::string login;      // with Success
  // The login the client gave, as typed, once the exchange got as far as the password check (also with
  // Failure and AuthzRefused): for per-login counting and the log. Empty when it never got there.
  std::string attemptedLogin;
  FailureReason reason =
      FailureReason::None;  // with Failure, AuthzRefused, Malformed, Temporary: for the log
};

class SaslSession {
 public:
  // serverName: this host's fully qualified name (Cyrus's serverFQDN). Throws core::Error (temporary) when
  // Cyrus cannot create a connection.
  SaslSession(SaslLibrary& library, CredentialVerifier& verifier, std::string serverName);
  SaslSession(const SaslSession&) = delete;
  SaslSession& operator=(const SaslSession&) = delete;

  // Upper-case names, e.g. {"LOGIN", "PLAIN"}; empty until setExternalSsf() with a non-trivial strength.
  std::vector<std::string> mechanisms() const;
  // TLS is up with this many bits of security (SASL_SSF_EXTERNAL); survives reset() and failures.
  void setExternalSsf(unsigned bits);

  // initialResponse: decoded bytes; nullopt when the client sent none, "" for "=" (RFC 4954 §4).
  SaslOutcome start(const std::string& mechanism, const std::optional<std::string>& initialResponse);
  SaslOutcome step(const std::string& response);
  // Abandon any exchange in progress; the next start() begins on a fresh connection.
  void reset();

 private:
  static int onCheckPassword(sasl_conn_t* conn, void* context, const char* user, const char* password,
                             unsigned passwordLength, struct propctx* properties);
  static void dispose(sasl_conn_t* conn) { sasl_dispose(&conn); }

  void renew();
  SaslOutcome conclude(int rc, const char* out, unsigned outLength);

  CredentialVerifier& verifier_;
  const std::string serverName_;
  sasl_callback_t callbacks_[2];
  core::CHandle<sasl_conn_t, &SaslSession::dispose> conn_;
  unsigned externalSsf_ = 0;
  bool inProgress_ = false;
  std::optional<VerifyResult> verified_;  // what the password callback decided in this exchange
  std::string attemptedLogin_;            // the login the password callback was given in this exchange
};

}  // namespace postern::auth
