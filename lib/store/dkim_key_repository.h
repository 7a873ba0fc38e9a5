// store::DkimKeyRepository — the DKIM signing keys (db/002_dkim_keys.sql): one row per domain and selector
// with its algorithm, size, sealed private key, public key (the p= value) and state, plus the change
// counter the server watches. The master key's check value, which covers every sealed secret and not only
// these keys, is store::VaultMetaRepository's, kept in the same database (database()).
//
// States (issue: DKIM key rotation without a gap):
//   pending ──activate──▶ active ──retire (or activating another key of the same domain+algorithm)──▶ retired
//   retired ──activate──▶ active   (going back to a key whose record is still published)
// At most one active key per domain and algorithm; an rsa and an ed25519 key may be active together
// (dual signature). Activation and the retirement it causes happen in one transaction.
//
// Owns: the SQL for these tables, and the syntax of domains and selectors as stored (lower-case LDH labels,
// no final dot; a domain has at least two labels). Must not know: SMTP, HTTP, cryptography (the private
// key is an opaque sealed string here; lib/dkim seals and opens it).
// Errors: core::NotFound ("no DKIM key example.org/sel"), core::AlreadyExists, core::InvalidValue (bad
// domain or selector, deleting an active key without force), store::DatabaseError (busy: temporary).
// Messages never contain key material.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace postern::store {

enum class DkimKeyState { Pending, Active, Retired };
std::string_view dkimKeyStateName(DkimKeyState state);  // "pending", "active", "retired"

struct DkimKeyRecord {
  std::int64_t id = 0;
  std::string domain;
  std::string selector;
  std::string algorithm;  // "rsa" or "ed25519" (the k= tag)
  int bits = 0;
  std::string sealedPrivateKey;  // opaque; empty in listings that do not need it
  std::string publicKey;         // p=
  DkimKeyState state = DkimKeyState::Pending;
  std::chrono::system_clock::time_point createdAt;
  std::optional<std::chrono::system_clock::time_point> activatedAt;
  std::optional<std::chrono::system_clock::time_point> retiredAt;
};

struct NewDkimKey {
  std::string domain;
  std::string selector;
  std::string algorithm;
  int bits = 0;
  std::string sealedPrivateKey;
  std::string publicKey;
};

class DkimKeyRepository {
 public:
  explicit DkimKeyRepository(Database& database, const core::Clock& clock = core::SystemClock::instance());

  // The stored forms, or nullopt when malformed. A domain: LDH labels of 1–63 octets separated by dots, at
  // least two labels, at most 253 octets, case folded, one final dot dropped (IDNs in their A-label form).
  // A selector: one or more such labels (RFC 6376 §3.1), at most 63 octets in all.
  static std::optional<std::string> normaliseDomain(std::string_view domain);
  static std::optional<std::string> normaliseSelector(std::string_view selector);

  // Stores a pending key. Throws InvalidValue, AlreadyExists (the selector is taken for this domain).
  DkimKeyRecord add(const NewDkimKey& key);

  // Ordered by domain, then created_at, then selector. Sealed keys are left out (empty).
  std::vector<DkimKeyRecord> list(std::optional<std::string_view> domain = std::nullopt);
  // With the sealed key. nullopt when there is no such key (or the names are malformed).
  std::optional<DkimKeyRecord> find(std::string_view domain, std::string_view selector);
  // Every active key, with its sealed key: what the signer loads.
  std::vector<DkimKeyRecord> activeKeys();
  // Whether a selector is taken for the domain (default selectors count up past taken ones).
  bool selectorExists(std::string_view domain, std::string_view selector);

  // Makes the key active and retires the key that was active for the same domain and algorithm, in one
  // transaction. Returns that key's selector, if there was one. Activating the active key changes nothing.
  // Throws NotFound.
  std::optional<std::string> activate(std::string_view domain, std::string_view selector);
  // The key stops signing. Throws NotFound. Retiring a retired key changes nothing.
  void retire(std::string_view domain, std::string_view selector);
  // Deletes the key. An active key is refused (InvalidValue) unless force: mail for its domain would
  // silently go unsigned or be refused. Throws NotFound.
  DkimKeyRecord remove(std::string_view domain, std::string_view selector, bool force);

  // Raised by every change to the keys (a trigger): unchanged means the active keys are as last read.
  std::int64_t generation();

  // The database the keys live in: the master key check that covers them is read from the same one.
  Database& database() const { return database_; }

 private:
  std::int64_t now() const;
  std::pair<std::string, std::string> requireNames(std::string_view domain, std::string_view selector) const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
