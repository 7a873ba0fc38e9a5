// admin::AdminTotp — the optional second factor of web admin accounts: a TOTP secret per administrator
// (RFC 6238, auth/totp.h: HMAC-SHA1, 6 digits, 30 s steps, one step of drift either way) and ten one-time
// recovery codes; shared by the web API (enrollment, sign-in, reset by a colleague) and the CLI
// (`postern admin reset-totp`, for a lost phone).
//
// Enrollment: startEnrollment() makes a fresh 160-bit secret, seals it with the vault (bound to
// "admin-totp/<login>", so a sealed secret copied to another account's row does not open) and returns it as
// base32 text and as an otpauth:// URI (issuer "Postern", label login@host). Nothing changes for signing in
// until confirmEnrollment() gets a current code from the app; that makes the factor binding and returns the
// recovery codes, the only time they exist in clear.
// Codes: verify() accepts a code of the steps around now only when its step is later than the last one
// accepted, and records it in the same compare-and-set, so a code (even one seen over a shoulder) signs in
// once. A recovery code is 16 base32 characters (80 random bits, shown as XXXX-XXXX-XXXX-XXXX), accepted in
// any case and grouping, and usable once.
// Why recovery codes are stored as an unsalted SHA-256 and not with Argon2 like passwords: a password is
// chosen by a person and can be guessed, so its hash must be slow; a recovery code has 80 bits from
// RAND_bytes, so even a fast hash of it cannot be searched (2^80 tries), and a plain hash lets the store
// find the code in one indexed look-up rather than ten Argon2 runs (and ten times the memory) per attempt.
// Turning the factor off (disable) needs a current code or the account's password; reset() (another
// administrator, the CLI) needs nothing: the callers decide who may.
// Must not know: HTTP, the audit log (callers record), sessions. Never logs; no secret, code or hash in a
// message. Errors: core::NotFound (no such account), core::Conflict (already enrolled / nothing to confirm
// or disable), core::InvalidValue with field "code" (a wrong code) or "password", vault::VaultError,
// core::Error (temporary) when the store or the random generator fails.
// Thread-safety: thread-safe (the store, the hasher and the vault are).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "core/clock.h"
#include "store/admin_account_repository.h"
#include "store/admin_totp_repository.h"
#include "vault/vault.h"

namespace postern::admin {

struct TotpEnrollment {
  std::string secret;  // base32, for typing into an app by hand
  std::string uri;     // otpauth://totp/Postern:login@host?secret=...&issuer=Postern&...
};

struct TotpStatus {
  bool enrolled = false;  // confirmed: signing in asks for a code
  bool pending = false;   // started, not confirmed
  int recoveryCodesLeft = 0;
};

class AdminTotp {
 public:
  using VaultOpener = std::function<vault::KeyVault()>;
  static constexpr int kRecoveryCodes = 10;
  static constexpr std::string_view kIssuer = "Postern";

  enum class Verdict { Wrong, Code, RecoveryCode };

  // host: the name the otpauth label carries after the login (the server's host name).
  AdminTotp(store::AdminTotpRepository& store, store::AdminAccountRepository& accounts,
            const auth::PasswordHasher& hasher, VaultOpener openVault, const core::Clock& clock,
            std::string host);

  TotpEnrollment startEnrollment(std::string_view login);
  // Throws InvalidValue("code") for a code that is not current, Conflict when no enrollment is pending.
  std::vector<std::string> confirmEnrollment(std::string_view login, std::string_view code);
  // A code from the app or an unused recovery code, for an account with a confirmed factor; Wrong for
  // anything else (also an account without one). Each accepted code is spent.
  Verdict verify(std::string_view login, std::string_view codeOrRecoveryCode);
  // Needs a current code (or recovery code) or the password. Throws InvalidValue("code" or "password")
  // when neither proves anything, Conflict when there is no second factor to turn off.
  void disable(std::string_view login, std::optional<std::string_view> code,
               std::optional<std::string_view> password);
  // Removes the factor (confirmed or pending) without proof; false when there was none. NotFound for no
  // account.
  bool reset(std::string_view login);

  bool enrolled(std::string_view login);
  std::set<std::string> enrolledLogins();
  TotpStatus status(std::string_view login);

  // The label of the otpauth URI: the login when it is an address already, else login@host.
  std::string label(std::string_view login) const;
  // The stored form of a recovery code (upper case, no blanks or '-'); nullopt when it cannot be one.
  static std::optional<std::string> normaliseRecoveryCode(std::string_view text);

 private:
  std::string openSecret(const store::AdminTotpRecord& record) const;
  std::string requireAccount(std::string_view login);

  store::AdminTotpRepository& store_;
  store::AdminAccountRepository& accounts_;
  const auth::PasswordHasher& hasher_;
  VaultOpener openVault_;
  const core::Clock& clock_;
  const std::string host_;
};

// The vault binding of an administrator's TOTP secret.
std::string totpBinding(std::string_view login);

}  // namespace postern::admin
