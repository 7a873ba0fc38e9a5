// admin::DkimKeys — DKIM key administration as the CLI (`postern dkim ...`) and the admin web API share it:
// generate or import a key (stored pending, sealed under the master key), list, activate, retire, remove,
// and the DNS TXT records to publish. The rules (key sizes and algorithms, default selectors, activation
// checks, the master-key check) are dkim::KeyAdmin's; this service adds the views and serialises access.
//
// Views (DkimKeyView) carry what an administrator reads and the zone-file line to publish; never the
// sealed private key. Names in them are as stored: whoever prints them escapes them (core::printable).
// Errors: as dkim::KeyAdmin: core::InvalidValue with its field ("bits", domain and selector syntax),
// core::NotFound, core::AlreadyExists, vault::VaultError naming the key, store::DatabaseError (temporary).
// Must not know: HTTP, terminals. Thread-safety: thread-safe: dkim::KeyAdmin is not, so every call holds
// one mutex for its whole duration (a slow RSA generation blocks other calls to the same service).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "dkim/key_admin.h"
#include "domains/verdict.h"
#include "store/dkim_key_repository.h"

namespace postern::admin {

struct DkimKeyView {
  std::string domain;     // stored form: lower case, no final dot
  std::string selector;   // stored form
  std::string algorithm;  // "rsa" or "ed25519" (the k= tag)
  int bits = 0;           // 2048, 3072, 4096 for RSA; 256 for Ed25519
  std::string state;      // store::dkimKeyStateName: pending, active, retired
  std::chrono::system_clock::time_point createdAt;
  std::optional<std::chrono::system_clock::time_point> activatedAt;
  std::optional<std::chrono::system_clock::time_point> retiredAt;
  // What to publish, three ways: the record's name without the final dot ("sel._domainkey.example.org"),
  // its TXT value as one string, as a verifier reads it ("v=DKIM1; k=rsa; p=…"), and the zone-file line
  // (dkim::zoneFileRecord): `sel._domainkey.example.org. IN TXT "v=DKIM1; …"`.
  std::string dnsName;
  std::string dnsValue;
  std::string dnsRecord;
};

class DkimKeys {
 public:
  // The service owns its KeyAdmin, so no caller can reach it without the mutex.
  DkimKeys(store::DkimKeyRepository& keys, dkim::KeyAdmin::VaultOpener openVault,
           const core::Clock& clock = core::SystemClock::instance())
      : admin_(keys, std::move(openVault), clock) {}

  // bits: see dkim::KeyAdmin::generate (RSA only; refused with field "bits" before any key is made).
  DkimKeyView generate(std::string_view domain, dkim::KeyAlgorithm algorithm,
                       std::optional<int> bits = std::nullopt,
                       std::optional<std::string> selector = std::nullopt);
  // A key from PEM text (the caller wipes it; see core::SecretString).
  DkimKeyView import(std::string_view domain, std::string_view selector, std::string_view pem);
  // Ordered by domain, then creation time.
  std::vector<DkimKeyView> list(std::optional<std::string_view> domain = std::nullopt);
  // The one key; core::NotFound when the domain has no key with that selector (or a name is malformed).
  DkimKeyView show(std::string_view domain, std::string_view selector);
  // The selector of the key it retired (the previous active key of the same domain and algorithm).
  std::optional<std::string> activate(std::string_view domain, std::string_view selector);
  // The DNS gate (a key activated before its record is visible signs mail no receiver can verify): unless
  // force, checkRecord(domain, selector) must say the published record matches, else core::Conflict with
  // the check's advice; then as activate().
  using RecordCheck = std::function<domains::Verdict(std::string_view domain, std::string_view selector)>;
  std::optional<std::string> activateIfPublished(std::string_view domain, std::string_view selector,
                                                 const RecordCheck& checkRecord, bool force);
  void retire(std::string_view domain, std::string_view selector);
  // An active key only with force. Returns the removed key, whose TXT record can then leave DNS.
  DkimKeyView remove(std::string_view domain, std::string_view selector, bool force);
  // The named key's record, or every pending and active key's of the domain; core::NotFound when none.
  std::vector<std::string> dnsRecords(std::string_view domain,
                                      std::optional<std::string_view> selector = std::nullopt);

  static DkimKeyView view(const store::DkimKeyRecord& record);

 private:
  std::mutex mutex_;  // held by every public call; none of them calls another
  dkim::KeyAdmin admin_;
};

}  // namespace postern::admin
