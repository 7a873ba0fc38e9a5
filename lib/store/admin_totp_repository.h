// store::AdminTotpRepository — the web admin's second factor (db/010_admin_totp.sql): each administrator's
// sealed TOTP secret, whether it is confirmed, the last accepted time step, and the hashes of the
// one-time recovery codes.
//
// Owns: the SQL for admin_totp and admin_recovery_codes, and the rules that make a code good once: a step
// is accepted only when it is later than the stored one and a recovery code only while unused, each in one
// UPDATE (compare-and-set), so two requests racing with the same code cannot both succeed.
// Must not know: how secrets are sealed or codes hashed (opaque strings here), time steps' meaning, HTTP.
// Errors: core::NotFound ("no such administrator: x"), core::Conflict (a confirmed second factor when a new
// enrollment starts), store::DatabaseError (busy: temporary). Messages name logins only.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace postern::store {

struct AdminTotpRecord {
  std::string login;  // canonical
  std::string sealedSecret;
  bool confirmed = false;
  std::optional<std::int64_t> lastStep;  // nullopt: no code accepted yet
  int recoveryCodesLeft = 0;
};

class AdminTotpRepository {
 public:
  explicit AdminTotpRepository(Database& database, const core::Clock& clock = core::SystemClock::instance());

  // Starts (or restarts) an enrollment: the unconfirmed secret is replaced. Throws NotFound for no account,
  // Conflict when a confirmed second factor exists (disable or reset it first).
  void startEnrollment(std::string_view login, std::string_view sealedSecret);
  // The unconfirmed enrollment becomes the account's second factor with the step just accepted and these
  // recovery code hashes (any earlier ones go). False when there is no unconfirmed enrollment (confirmed
  // meanwhile, reset, or never started).
  bool confirm(std::string_view login, std::int64_t acceptedStep, const std::vector<std::string>& codeHashes);
  std::optional<AdminTotpRecord> find(std::string_view login);
  // Whether the account has a confirmed second factor.
  bool enrolled(std::string_view login);
  std::set<std::string> enrolledLogins();
  // Compare-and-set: records `step` as the last accepted one when it is later than the stored one and the
  // second factor is confirmed. False otherwise (the code was used already, or the factor is gone).
  bool acceptStep(std::string_view login, std::int64_t step);
  // Marks the unused recovery code with this hash used; false when there is none.
  bool useRecoveryCode(std::string_view login, std::string_view codeHash);
  // Removes the second factor and its recovery codes (confirmed or not); false when there was none.
  bool remove(std::string_view login);

 private:
  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
