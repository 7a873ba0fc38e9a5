#include "store/dkim_key_repository.h"

#include <cctype>

#include "core/text.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, domain, selector, algorithm, bits, private_key, public_key, state, created_at, activated_at, "
    "retired_at FROM dkim_keys ";
// The same without the sealed key, for listings.
constexpr const char* kListColumns =
    "SELECT id, domain, selector, algorithm, bits, '', public_key, state, created_at, activated_at, "
    "retired_at FROM dkim_keys ";

DkimKeyState stateFromName(const std::string& name) {
  if (name == "active") return DkimKeyState::Active;
  if (name == "retired") return DkimKeyState::Retired;
  return DkimKeyState::Pending;
}

DkimKeyRecord readKey(const Statement& row) {
  DkimKeyRecord key;
  key.id = row.columnInt64(0);
  key.domain = row.columnText(1);
  key.selector = row.columnText(2);
  key.algorithm = row.columnText(3);
  key.bits = static_cast<int>(row.columnInt64(4));
  key.sealedPrivateKey = row.columnText(5);
  key.publicKey = row.columnText(6);
  key.state = stateFromName(row.columnText(7));
  key.createdAt = fromUnix(row.columnInt64(8));
  if (!row.columnIsNull(9)) key.activatedAt = fromUnix(row.columnInt64(9));
  if (!row.columnIsNull(10)) key.retiredAt = fromUnix(row.columnInt64(10));
  return key;
}

// RFC 1035 §2.3.1 LDH labels (RFC 5890 A-labels are LDH too); underscores are refused: they have no place
// in a mail domain or a selector.
bool validLabels(std::string_view name, std::size_t minLabels) {
  std::size_t labels = 0;
  while (true) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const unsigned char c : label)
      if (!std::isalnum(c) && c != '-') return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return labels >= minLabels;
}

std::string describe(const std::string& domain, const std::string& selector) {
  return domain + "/" + selector;
}

}  // namespace

std::string_view dkimKeyStateName(DkimKeyState state) {
  switch (state) {
    case DkimKeyState::Active:
      return "active";
    case DkimKeyState::Retired:
      return "retired";
    case DkimKeyState::Pending:
      break;
  }
  return "pending";
}

DkimKeyRepository::DkimKeyRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::optional<std::string> DkimKeyRepository::normaliseDomain(std::string_view domain) {
  std::string d = core::toLowerAscii(core::trim(domain));
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (d.size() > 253 || !validLabels(d, 2)) return std::nullopt;
  return d;
}

std::optional<std::string> DkimKeyRepository::normaliseSelector(std::string_view selector) {
  std::string s = core::toLowerAscii(core::trim(selector));
  if (s.size() > 63 || !validLabels(s, 1)) return std::nullopt;
  return s;
}

std::pair<std::string, std::string> DkimKeyRepository::requireNames(std::string_view domain,
                                                                    std::string_view selector) const {
  const auto d = normaliseDomain(domain);
  if (!d) throw InvalidValue("not a domain name: '" + std::string(domain) + "'");
  const auto s = normaliseSelector(selector);
  if (!s)
    throw InvalidValue("not a valid selector: '" + std::string(selector) +
                       "' (letters, digits and '-', at most 63 characters)");
  return {*d, *s};
}

std::int64_t DkimKeyRepository::now() const { return toUnix(clock_.now()); }

DkimKeyRecord DkimKeyRepository::add(const NewDkimKey& key) {
  const auto [domain, selector] = requireNames(key.domain, key.selector);
  if (key.algorithm != "rsa" && key.algorithm != "ed25519")
    throw InvalidValue("unknown DKIM key algorithm: " + key.algorithm);
  if (key.sealedPrivateKey.empty() || key.publicKey.empty()) throw InvalidValue("empty DKIM key");
  auto connection = database_.acquire();
  const std::int64_t created = now();
  Statement insert = connection->prepare(
      "INSERT INTO dkim_keys (domain, selector, algorithm, bits, private_key, public_key, state, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)");
  insert.bindText(1, domain)
      .bindText(2, selector)
      .bindText(3, key.algorithm)
      .bindInt64(4, key.bits)
      .bindText(5, key.sealedPrivateKey)
      .bindText(6, key.publicKey)
      .bindInt64(7, created);
  try {
    insert.run();
  } catch (const ConstraintViolation& e) {
    if (e.kind() == ConstraintViolation::Kind::Unique)
      throw AlreadyExists("a DKIM key with selector " + selector + " exists already for " + domain);
    throw;
  }
  DkimKeyRecord record;
  record.id = connection->lastInsertRowid();
  record.domain = domain;
  record.selector = selector;
  record.algorithm = key.algorithm;
  record.bits = key.bits;
  record.sealedPrivateKey = key.sealedPrivateKey;
  record.publicKey = key.publicKey;
  record.createdAt = fromUnix(created);
  return record;
}

std::vector<DkimKeyRecord> DkimKeyRepository::list(std::optional<std::string_view> domain) {
  std::optional<std::string> d;
  if (domain) {
    d = normaliseDomain(*domain);
    if (!d) throw InvalidValue("not a domain name: '" + std::string(*domain) + "'");
  }
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kListColumns) + (d ? "WHERE domain = ?1 " : "") +
                                        "ORDER BY domain, created_at, selector");
  if (d) query.bindText(1, *d);
  std::vector<DkimKeyRecord> out;
  while (query.step()) out.push_back(readKey(query));
  return out;
}

std::optional<DkimKeyRecord> DkimKeyRepository::find(std::string_view domain, std::string_view selector) {
  const auto d = normaliseDomain(domain);
  const auto s = normaliseSelector(selector);
  if (!d || !s) return std::nullopt;
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kColumns) + "WHERE domain = ?1 AND selector = ?2");
  query.bindText(1, *d).bindText(2, *s);
  if (!query.step()) return std::nullopt;
  return readKey(query);
}

std::vector<DkimKeyRecord> DkimKeyRepository::activeKeys() {
  auto connection = database_.acquire();
  Statement query =
      connection->prepare(std::string(kColumns) + "WHERE state = 'active' ORDER BY domain, algorithm");
  std::vector<DkimKeyRecord> out;
  while (query.step()) out.push_back(readKey(query));
  return out;
}

bool DkimKeyRepository::selectorExists(std::string_view domain, std::string_view selector) {
  const auto [d, s] = requireNames(domain, selector);
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT 1 FROM dkim_keys WHERE domain = ?1 AND selector = ?2");
  query.bindText(1, d).bindText(2, s);
  return query.step();
}

std::optional<std::string> DkimKeyRepository::activate(std::string_view domain, std::string_view selector) {
  const auto [d, s] = requireNames(domain, selector);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement query =
      connection->prepare("SELECT algorithm, state FROM dkim_keys WHERE domain = ?1 AND selector = ?2");
  query.bindText(1, d).bindText(2, s);
  if (!query.step()) throw NotFound("no DKIM key " + describe(d, s));
  const std::string algorithm = query.columnText(0);
  const bool alreadyActive = query.columnText(1) == "active";
  query.reset();
  if (alreadyActive) return std::nullopt;

  std::optional<std::string> previous;
  Statement current = connection->prepare(
      "SELECT selector FROM dkim_keys WHERE domain = ?1 AND algorithm = ?2 AND state = 'active'");
  current.bindText(1, d).bindText(2, algorithm);
  if (current.step()) previous = current.columnText(0);
  current.reset();
  const std::int64_t at = now();
  // The old key retires first: the partial unique index allows one active key per domain and algorithm.
  connection
      ->prepare(
          "UPDATE dkim_keys SET state = 'retired', retired_at = ?3 "
          "WHERE domain = ?1 AND algorithm = ?2 AND state = 'active'")
      .bindText(1, d)
      .bindText(2, algorithm)
      .bindInt64(3, at)
      .run();
  connection
      ->prepare(
          "UPDATE dkim_keys SET state = 'active', activated_at = ?3, retired_at = NULL "
          "WHERE domain = ?1 AND selector = ?2")
      .bindText(1, d)
      .bindText(2, s)
      .bindInt64(3, at)
      .run();
  transaction.commit();
  return previous;
}

void DkimKeyRepository::retire(std::string_view domain, std::string_view selector) {
  const auto [d, s] = requireNames(domain, selector);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement query = connection->prepare("SELECT state FROM dkim_keys WHERE domain = ?1 AND selector = ?2");
  query.bindText(1, d).bindText(2, s);
  if (!query.step()) throw NotFound("no DKIM key " + describe(d, s));
  const bool retired = query.columnText(0) == "retired";
  query.reset();
  if (retired) return;
  connection
      ->prepare("UPDATE dkim_keys SET state = 'retired', retired_at = ?3 WHERE domain = ?1 AND selector = ?2")
      .bindText(1, d)
      .bindText(2, s)
      .bindInt64(3, now())
      .run();
  transaction.commit();
}

DkimKeyRecord DkimKeyRepository::remove(std::string_view domain, std::string_view selector, bool force) {
  const auto [d, s] = requireNames(domain, selector);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement query = connection->prepare(std::string(kListColumns) + "WHERE domain = ?1 AND selector = ?2");
  query.bindText(1, d).bindText(2, s);
  if (!query.step()) throw NotFound("no DKIM key " + describe(d, s));
  DkimKeyRecord record = readKey(query);
  query.reset();
  if (record.state == DkimKeyState::Active && !force)
    throw InvalidValue("DKIM key " + describe(d, s) +
                       " is active: retire it (or activate its successor) first, or force the deletion");
  connection->prepare("DELETE FROM dkim_keys WHERE id = ?1").bindInt64(1, record.id).run();
  transaction.commit();
  return record;
}

std::int64_t DkimKeyRepository::generation() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT generation FROM dkim_meta WHERE id = 1");
  return query.step() ? query.columnInt64(0) : 0;
}

}  // namespace postern::store
