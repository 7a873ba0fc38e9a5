#include "admin/admin_totp.h"

#include <openssl/rand.h>

#include "admin/secret_token.h"
#include "auth/totp.h"
#include "core/error.h"
#include "core/secret.h"
#include "store/unix_time.h"

namespace postern::admin {

namespace {

constexpr std::size_t kRecoveryCodeBytes = 10;  // 80 bits: 16 base32 characters
constexpr std::size_t kRecoveryCodeChars = 16;

std::string newRecoveryCode() {
  std::string bytes(kRecoveryCodeBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) != 1)
    throw core::Error::temporary("the random generator failed");
  const std::string text = auth::base32Encode(bytes);
  return text.substr(0, 4) + "-" + text.substr(4, 4) + "-" + text.substr(8, 4) + "-" + text.substr(12, 4);
}

// A code as typed: apps show "123 456".
std::string withoutBlanks(std::string_view text) {
  std::string out;
  for (const char c : text)
    if (c != ' ' && c != '\t') out += c;
  return out;
}

bool sixDigits(const std::string& text) {
  if (text.size() != 6) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

core::InvalidValue wrongCode() {
  return core::InvalidValue("code",
                            "the code is wrong or was used already: enter the current code of the app");
}

}  // namespace

std::string totpBinding(std::string_view login) { return "admin-totp/" + std::string(login); }

AdminTotp::AdminTotp(store::AdminTotpRepository& store, store::AdminAccountRepository& accounts,
                     const auth::PasswordHasher& hasher, VaultOpener openVault, const core::Clock& clock,
                     std::string host)
    : store_(store),
      accounts_(accounts),
      hasher_(hasher),
      openVault_(std::move(openVault)),
      clock_(clock),
      host_(std::move(host)) {}

std::string AdminTotp::label(std::string_view login) const {
  if (login.find('@') != std::string_view::npos || host_.empty()) return std::string(login);
  return std::string(login) + "@" + host_;
}

std::optional<std::string> AdminTotp::normaliseRecoveryCode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' || c == '-') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (out.size() != kRecoveryCodeChars) return std::nullopt;
  if (!auth::base32Decode(out)) return std::nullopt;
  return out;
}

std::string AdminTotp::requireAccount(std::string_view login) {
  const auto account = accounts_.find(login);
  if (!account) throw core::NotFound("no such administrator account: " + std::string(login));
  return account->login;
}

std::string AdminTotp::openSecret(const store::AdminTotpRecord& record) const {
  return openVault_().open(record.sealedSecret, totpBinding(record.login));
}

TotpEnrollment AdminTotp::startEnrollment(std::string_view login) {
  const std::string normal = requireAccount(login);
  if (store_.enrolled(normal))
    throw core::Conflict("a second factor is already in force for " + normal + " (turn it off first)");
  const core::SecretString secret(auth::newTotpSecret());
  store_.startEnrollment(normal, openVault_().seal(secret.view(), totpBinding(normal)));
  return {auth::base32Encode(secret.view()), auth::otpauthUri(kIssuer, label(normal), secret.view())};
}

std::vector<std::string> AdminTotp::confirmEnrollment(std::string_view login, std::string_view code) {
  const std::string normal = requireAccount(login);
  const auto record = store_.find(normal);
  if (!record || record->confirmed)
    throw core::Conflict("no second factor enrollment is pending for " + normal + " (start one first)");
  const core::SecretString secret(openSecret(*record));
  const auto step =
      auth::matchTotp(secret.view(), withoutBlanks(code), store::toUnix(clock_.now()), std::nullopt);
  if (!step) throw wrongCode();
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(newRecoveryCode());
    hashes.push_back(secretTokenHash(*normaliseRecoveryCode(codes.back())));
  }
  if (!store_.confirm(normal, *step, hashes))
    throw core::Conflict("no second factor enrollment is pending for " + normal + " (start one first)");
  return codes;
}

AdminTotp::Verdict AdminTotp::verify(std::string_view login, std::string_view codeOrRecoveryCode) {
  const auto record = store_.find(login);
  if (!record || !record->confirmed) return Verdict::Wrong;
  const std::string text = withoutBlanks(codeOrRecoveryCode);
  if (sixDigits(text)) {
    const core::SecretString secret(openSecret(*record));
    const auto step = auth::matchTotp(secret.view(), text, store::toUnix(clock_.now()), record->lastStep);
    // The store decides last: of two requests with one code, only the first moves the step.
    if (step && store_.acceptStep(record->login, *step)) return Verdict::Code;
    return Verdict::Wrong;
  }
  // The hash of an 80-bit random code is looked up, not compared byte by byte in C++: knowing how long the
  // look-up took tells nothing about a code (SHA-256 hides which bytes were close).
  if (const auto normal = normaliseRecoveryCode(text);
      normal && store_.useRecoveryCode(record->login, secretTokenHash(*normal)))
    return Verdict::RecoveryCode;
  return Verdict::Wrong;
}

void AdminTotp::disable(std::string_view login, std::optional<std::string_view> code,
                        std::optional<std::string_view> password) {
  const std::string normal = requireAccount(login);
  if (!store_.enrolled(normal)) throw core::Conflict("no second factor is in force for " + normal);
  bool proven = false;
  if (code && !code->empty()) {
    proven = verify(normal, *code) != Verdict::Wrong;
    if (!proven && !password) throw wrongCode();
  }
  if (!proven && password) {
    const auto account = accounts_.find(normal);
    proven = account && !password->empty() &&
             hasher_.verify(account->passwordHash, *password) == auth::PasswordHasher::Verdict::Match;
    if (!proven) throw core::InvalidValue("password", "the password is wrong");
  }
  if (!proven) throw core::InvalidValue("code", "give a current code of the app or the account's password");
  store_.remove(normal);
}

bool AdminTotp::reset(std::string_view login) { return store_.remove(requireAccount(login)); }

bool AdminTotp::enrolled(std::string_view login) { return store_.enrolled(login); }

std::set<std::string> AdminTotp::enrolledLogins() { return store_.enrolledLogins(); }

TotpStatus AdminTotp::status(std::string_view login) {
  TotpStatus status;
  if (const auto record = store_.find(login)) {
    status.enrolled = record->confirmed;
    status.pending = !record->confirmed;
    status.recoveryCodesLeft = record->confirmed ? record->recoveryCodesLeft : 0;
  }
  return status;
}

}  // namespace postern::admin
