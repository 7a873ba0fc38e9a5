// store::DomainRepository — the domains table and the last record checks (db/007_domains.sql): per domain
// the administrator's "added" mark and the settings of its DMARC, SPF, MTA-STS and TLS-RPT records; per
// (domain, kind, name) the last check's verdict; and the sender domains the users' addresses name.
//
// Owns: the SQL for these tables; settings travel as the columns' text ("quarantine", "-all", "testing"),
// which admin::Domains maps to the record builders' types. Must not know: DNS, what the records mean, the
// record builders' validation (admin::Domains validates before anything gets here).
// Errors: core::AlreadyExists (a domain already added), core::NotFound, store::DatabaseError.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace postern::store {

// A domain's settings as stored; a default-constructed one holds the schema's defaults.
struct DomainRecord {
  std::string name;  // lower case, no final dot
  bool added = false;
  std::string dmarcPolicy = "quarantine";
  std::string dmarcSubdomainPolicy;  // "" when none is given
  int dmarcPercent = 100;
  std::vector<std::string> dmarcRua, dmarcRuf;
  std::string dmarcAdkim = "r", dmarcAspf = "r";
  std::string spfAll = "-all";
  std::vector<std::string> spfExtra;
  std::string mtaStsMode = "none";
  std::vector<std::string> mtaStsMx;
  std::int64_t mtaStsMaxAge = 604800;
  std::vector<std::string> tlsRptRua;
};

struct RecordCheckWarning {
  std::string finding;  // snake_case, as the API names it
  std::string advice;
};

struct RecordCheckRecord {
  std::string domain;
  std::string kind;    // "dkim", "spf", "dmarc", "mta-sts", "tls-rpt"
  std::string name;    // the DNS name checked
  std::string status;  // "matches", "differs", "missing", "lookup_failed"
  std::string advice;
  std::string difference;
  std::vector<std::string> published;
  std::vector<RecordCheckWarning> warnings;
  std::optional<int> lookups;  // SPF only
  std::chrono::system_clock::time_point checkedAt;
};

class DomainRepository {
 public:
  explicit DomainRepository(Database& database, const core::Clock& clock = core::SystemClock::instance());

  std::optional<DomainRecord> find(std::string_view name);
  std::vector<DomainRecord> list();  // ordered by name
  // Marks the domain added, creating its row with the defaults when it has none. Throws AlreadyExists
  // when it is added already.
  DomainRecord add(std::string_view name);
  // Stores the settings (and the mark) of record.name, creating the row when there is none.
  void save(const DomainRecord& record);
  // Deletes the row: the mark and the settings. Throws NotFound when there is none.
  void remove(std::string_view name);

  // The lower-cased domains of every user's login and sender patterns ("@example.org", "a@example.org").
  std::vector<std::string> senderDomains();

  // Replaces every stored check of the domain with these, in one transaction.
  void storeChecks(std::string_view domain, const std::vector<RecordCheckRecord>& checks);
  std::vector<RecordCheckRecord> checks(std::string_view domain);  // ordered by kind, then name
  std::vector<RecordCheckRecord> allChecks();                      // ordered by domain, kind, name

 private:
  std::int64_t now() const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
