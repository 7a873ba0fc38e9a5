#include "admin/dkim_keys.h"

#include "core/error.h"
#include "dkim/keys.h"

namespace postern::admin {

DkimKeyView DkimKeys::view(const store::DkimKeyRecord& record) {
  DkimKeyView v;
  v.domain = record.domain;
  v.selector = record.selector;
  v.algorithm = record.algorithm;
  v.bits = record.bits;
  v.state = std::string(store::dkimKeyStateName(record.state));
  v.createdAt = record.createdAt;
  v.activatedAt = record.activatedAt;
  v.retiredAt = record.retiredAt;
  // From the public key as stored: no vault needed, and the sealed key is never read here.
  v.dnsName = dkim::dnsRecordName(record.selector, record.domain);
  if (!v.dnsName.empty() && v.dnsName.back() == '.') v.dnsName.pop_back();
  if (const auto algorithm = dkim::keyAlgorithmFromName(record.algorithm)) {
    v.dnsValue = dkim::dnsRecordValue(*algorithm, record.publicKey);
    v.dnsRecord = dkim::zoneFileRecord(record.selector, record.domain, *algorithm, record.publicKey);
  }
  return v;
}

DkimKeyView DkimKeys::generate(std::string_view domain, dkim::KeyAlgorithm algorithm, std::optional<int> bits,
                               std::optional<std::string> selector) {
  const std::lock_guard lock(mutex_);
  return view(admin_.generate(domain, algorithm, bits, std::move(selector)));
}

DkimKeyView DkimKeys::import(std::string_view domain, std::string_view selector, std::string_view pem) {
  const std::lock_guard lock(mutex_);
  return view(admin_.import(domain, selector, pem));
}

std::vector<DkimKeyView> DkimKeys::list(std::optional<std::string_view> domain) {
  const std::lock_guard lock(mutex_);
  std::vector<DkimKeyView> views;
  for (const auto& record : admin_.list(domain)) views.push_back(view(record));
  return views;
}

DkimKeyView DkimKeys::show(std::string_view domain, std::string_view selector) {
  const std::lock_guard lock(mutex_);
  const auto wanted = store::DkimKeyRepository::normaliseSelector(selector);
  if (wanted && store::DkimKeyRepository::normaliseDomain(domain))
    for (const auto& record : admin_.list(domain))
      if (record.selector == *wanted) return view(record);
  throw core::NotFound("no DKIM key " + std::string(domain) + "/" + std::string(selector));
}

std::optional<std::string> DkimKeys::activate(std::string_view domain, std::string_view selector) {
  const std::lock_guard lock(mutex_);
  return admin_.activate(domain, selector);
}

void DkimKeys::retire(std::string_view domain, std::string_view selector) {
  const std::lock_guard lock(mutex_);
  admin_.retire(domain, selector);
}

DkimKeyView DkimKeys::remove(std::string_view domain, std::string_view selector, bool force) {
  const std::lock_guard lock(mutex_);
  return view(admin_.remove(domain, selector, force));
}

std::vector<std::string> DkimKeys::dnsRecords(std::string_view domain,
                                              std::optional<std::string_view> selector) {
  const std::lock_guard lock(mutex_);
  return admin_.dnsRecords(domain, selector);
}

std::optional<std::string> DkimKeys::activateIfPublished(std::string_view domain, std::string_view selector,
                                                         const RecordCheck& checkRecord, bool force) {
  if (!force) {
    show(domain, selector);  // an unknown key is NotFound before any lookup
    const domains::Verdict verdict = checkRecord(domain, selector);
    if (verdict.status != domains::Status::Matches)
      throw core::Conflict(std::string(selector) + "._domainkey." + std::string(domain) +
                           " is not published as this key's record, so the key stays pending. " +
                           verdict.advice);
  }
  return activate(domain, selector);
}

}  // namespace postern::admin
