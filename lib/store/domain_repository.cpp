#include "store/domain_repository.h"

#include <set>

#include "core/error.h"
#include "core/text.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {
namespace {

constexpr const char* kColumns =
    "name, added, dmarc_policy, dmarc_subdomain_policy, dmarc_percent, dmarc_rua, dmarc_ruf, dmarc_adkim, "
    "dmarc_aspf, spf_all, spf_extra, mta_sts_mode, mta_sts_mx, mta_sts_max_age, tls_rpt_rua";

constexpr const char* kCheckColumns =
    "domain, kind, name, status, advice, difference, published, warnings, lookups, checked_at";

// Lists are stored space-separated: URIs, host patterns and SPF mechanisms hold no spaces.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  for (auto& item : core::splitList(text, ' '))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// A line break inside an item would split it in two when read back: it becomes a space.
std::string flattened(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

DomainRecord readDomain(const Statement& row) {
  DomainRecord r;
  r.name = row.columnText(0);
  r.added = row.columnInt64(1) != 0;
  r.dmarcPolicy = row.columnText(2);
  r.dmarcSubdomainPolicy = row.columnText(3);
  r.dmarcPercent = static_cast<int>(row.columnInt64(4));
  r.dmarcRua = words(row.columnText(5));
  r.dmarcRuf = words(row.columnText(6));
  r.dmarcAdkim = row.columnText(7);
  r.dmarcAspf = row.columnText(8);
  r.spfAll = row.columnText(9);
  r.spfExtra = words(row.columnText(10));
  r.mtaStsMode = row.columnText(11);
  r.mtaStsMx = words(row.columnText(12));
  r.mtaStsMaxAge = row.columnInt64(13);
  r.tlsRptRua = words(row.columnText(14));
  return r;
}

RecordCheckRecord readCheck(const Statement& row) {
  RecordCheckRecord r;
  r.domain = row.columnText(0);
  r.kind = row.columnText(1);
  r.name = row.columnText(2);
  r.status = row.columnText(3);
  r.advice = row.columnText(4);
  r.difference = row.columnText(5);
  r.published = lines(row.columnText(6));
  for (const auto& line : lines(row.columnText(7))) {
    const auto tab = line.find('\t');
    r.warnings.push_back(tab == std::string::npos
                             ? RecordCheckWarning{line, ""}
                             : RecordCheckWarning{line.substr(0, tab), line.substr(tab + 1)});
  }
  if (!row.columnIsNull(8)) r.lookups = static_cast<int>(row.columnInt64(8));
  r.checkedAt = fromUnix(row.columnInt64(9));
  return r;
}

template <typename Body>
auto translatingConstraints(const std::string& name, Body body) {
  try {
    return body();
  } catch (const ConstraintViolation& e) {
    throw InvalidValue("domain " + name + ": a value is out of range (" + std::string(e.what()) + ")");
  }
}

}  // namespace

DomainRepository::DomainRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::int64_t DomainRepository::now() const { return toUnix(clock_.now()); }

std::optional<DomainRecord> DomainRepository::find(std::string_view name) {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kColumns + " FROM domains WHERE name = ?1");
  q.bindText(1, name);
  if (!q.step()) return std::nullopt;
  return readDomain(q);
}

std::vector<DomainRecord> DomainRepository::list() {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kColumns + " FROM domains ORDER BY name");
  std::vector<DomainRecord> out;
  while (q.step()) out.push_back(readDomain(q));
  return out;
}

DomainRecord DomainRepository::add(std::string_view name) {
  {
    auto connection = database_.acquire();
    Transaction transaction(*connection);
    Statement q = connection->prepare("SELECT added FROM domains WHERE name = ?1");
    q.bindText(1, name);
    if (q.step() && q.columnInt64(0) != 0)
      throw AlreadyExists("domain " + std::string(name) + " is already added");
    translatingConstraints(std::string(name), [&] {
      connection
          ->prepare(
              "INSERT INTO domains (name, added, created_at, updated_at) VALUES (?1, 1, ?2, ?2) "
              "ON CONFLICT (name) DO UPDATE SET added = 1, updated_at = ?2")
          .bindText(1, name)
          .bindInt64(2, now())
          .run();
    });
    transaction.commit();
  }
  return *find(name);
}

void DomainRepository::save(const DomainRecord& r) {
  auto connection = database_.acquire();
  Statement s = connection->prepare(
      std::string("INSERT INTO domains (") + kColumns +
      ", created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?16) ON CONFLICT (name) DO UPDATE SET added = ?2, dmarc_policy = ?3, dmarc_subdomain_policy = "
      "?4, "
      "dmarc_percent = ?5, dmarc_rua = ?6, dmarc_ruf = ?7, dmarc_adkim = ?8, dmarc_aspf = ?9, spf_all = ?10, "
      "spf_extra = ?11, mta_sts_mode = ?12, mta_sts_mx = ?13, mta_sts_max_age = ?14, tls_rpt_rua = ?15, "
      "updated_at = ?16");
  s.bindText(1, r.name)
      .bindInt64(2, r.added ? 1 : 0)
      .bindText(3, r.dmarcPolicy)
      .bindText(4, r.dmarcSubdomainPolicy)
      .bindInt64(5, r.dmarcPercent)
      .bindText(6, core::join(r.dmarcRua, " "))
      .bindText(7, core::join(r.dmarcRuf, " "))
      .bindText(8, r.dmarcAdkim)
      .bindText(9, r.dmarcAspf)
      .bindText(10, r.spfAll)
      .bindText(11, core::join(r.spfExtra, " "))
      .bindText(12, r.mtaStsMode)
      .bindText(13, core::join(r.mtaStsMx, " "))
      .bindInt64(14, r.mtaStsMaxAge)
      .bindText(15, core::join(r.tlsRptRua, " "))
      .bindInt64(16, now());
  translatingConstraints(r.name, [&] { s.run(); });
}

void DomainRepository::remove(std::string_view name) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM domains WHERE name = ?1").bindText(1, name).run();
  if (connection->changes() == 0) throw NotFound("no domain " + std::string(name));
}

std::vector<std::string> DomainRepository::senderDomains() {
  auto connection = database_.acquire();
  Statement q = connection->prepare("SELECT pattern FROM sender_addresses UNION SELECT login FROM users");
  std::set<std::string> domains;
  while (q.step()) {
    const std::string text = q.columnText(0);
    const auto at = text.rfind('@');
    if (at != std::string::npos && at + 1 < text.size())
      domains.insert(core::toLowerAscii(text.substr(at + 1)));
  }
  return {domains.begin(), domains.end()};
}

void DomainRepository::storeChecks(std::string_view domain, const std::vector<RecordCheckRecord>& checks) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection->prepare("DELETE FROM domain_checks WHERE domain = ?1").bindText(1, domain).run();
  Statement insert =
      connection->prepare(std::string("INSERT OR REPLACE INTO domain_checks (") + kCheckColumns +
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  for (const auto& c : checks) {
    std::vector<std::string> published, warnings;
    for (const auto& p : c.published) published.push_back(flattened(p));
    for (const auto& w : c.warnings) warnings.push_back(flattened(w.finding) + "\t" + flattened(w.advice));
    insert.reset();
    insert.bindText(1, domain)
        .bindText(2, c.kind)
        .bindText(3, c.name)
        .bindText(4, c.status)
        .bindText(5, c.advice)
        .bindText(6, c.difference)
        .bindText(7, core::join(published, "\n"))
        .bindText(8, core::join(warnings, "\n"))
        .bindInt64(10, toUnix(c.checkedAt));
    if (c.lookups)
      insert.bindInt64(9, *c.lookups);
    else
      insert.bindNull(9);
    translatingConstraints(std::string(domain), [&] { insert.run(); });
  }
  transaction.commit();
}

std::vector<RecordCheckRecord> DomainRepository::checks(std::string_view domain) {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kCheckColumns +
                                    " FROM domain_checks WHERE domain = ?1 ORDER BY kind, name");
  q.bindText(1, domain);
  std::vector<RecordCheckRecord> out;
  while (q.step()) out.push_back(readCheck(q));
  return out;
}

std::vector<RecordCheckRecord> DomainRepository::allChecks() {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kCheckColumns +
                                    " FROM domain_checks ORDER BY domain, kind, name");
  std::vector<RecordCheckRecord> out;
  while (q.step()) out.push_back(readCheck(q));
  return out;
}

}  // namespace postern::store
