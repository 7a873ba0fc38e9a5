#include "dkim/message_signing.h"

#include <algorithm>

#include "core/text.h"

namespace postern::dkim {

std::vector<std::string> signingDomainCandidates(std::string_view fromDomain) {
  std::string domain = core::toLowerAscii(fromDomain);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (domain.empty() || domain.front() == '[' || domain.find('.') == std::string::npos) return {};
  std::vector<std::string> out;
  std::string_view rest(domain);
  // Stop before a single label: a top-level domain never signs.
  while (rest.find('.') != std::string_view::npos) {
    out.emplace_back(rest);
    rest.remove_prefix(rest.find('.') + 1);
  }
  return out;
}

void KeyRing::add(std::shared_ptr<const Signer> signer) {
  auto& signers = entries_[signer->domain()].signers;
  signers.push_back(std::move(signer));
  // Ed25519 first (RFC 8463 §1); a stable order within an algorithm keeps output reproducible.
  std::stable_sort(signers.begin(), signers.end(), [](const auto& a, const auto& b) {
    return a->algorithm() == KeyAlgorithm::Ed25519 && b->algorithm() != KeyAlgorithm::Ed25519;
  });
}

void KeyRing::addBroken(const std::string& domain, const std::string& error) {
  auto& entry = entries_[domain];
  entry.error += (entry.error.empty() ? "" : "; ") + error;
}

const KeyRing::Entry* KeyRing::find(std::string_view fromDomain, std::string* signingDomain) const {
  for (const auto& candidate : signingDomainCandidates(fromDomain)) {
    if (auto it = entries_.find(candidate); it != entries_.end()) {
      if (signingDomain) *signingDomain = candidate;
      return &it->second;
    }
  }
  return nullptr;
}

std::size_t KeyRing::signerCount() const {
  std::size_t n = 0;
  for (const auto& [domain, entry] : entries_) n += entry.signers.size();
  return n;
}

MessageHasher::MessageHasher(Canonicalization body, std::size_t maxHeaderSection)
    : body_(body), maxHeader_(maxHeaderSection) {}

void MessageHasher::update(std::string_view bytes) {
  std::size_t i = 0;
  while (inHeader_ && i < bytes.size()) {
    const char c = bytes[i++];
    if (pendingCr_) {
      pendingCr_ = false;
      if (c == '\n') {  // RFC 5322 §2.1: the empty line ends the header section
        inHeader_ = false;
        break;
      }
      if (header_.size() < maxHeader_) header_ += '\r';
    }
    if (atLineStart_ && c == '\r') {
      pendingCr_ = true;
      continue;
    }
    if (header_.size() < maxHeader_)
      header_ += c;
    else
      tooLarge_ = true;
    atLineStart_ = c == '\n';
  }
  if (!inHeader_ && i < bytes.size()) body_.update(bytes.substr(i));
}

std::string MessageHasher::finish() {
  // A message without an empty line has no body (RFC 5322 §3.5): the hash is that of an empty body.
  if (pendingCr_ && header_.size() < maxHeader_) header_ += '\r';
  pendingCr_ = false;
  return body_.finish();
}

std::string signatureFields(const std::vector<std::shared_ptr<const Signer>>& signers,
                            std::string_view headerSection, std::string_view bodyHash,
                            std::chrono::system_clock::time_point timestamp) {
  std::string out;
  for (const auto& signer : signers) out += signer->sign(headerSection, bodyHash, timestamp);
  return out;
}

SigningResult signForDomain(const KeyRing& ring, std::string_view fromDomain, std::string_view headerSection,
                            std::string_view bodyHash, std::chrono::system_clock::time_point timestamp) {
  SigningResult result;
  const KeyRing::Entry* entry = ring.find(fromDomain, &result.signingDomain);
  if (!entry) return result;
  result.status = SigningResult::Status::Failed;
  if (!entry->error.empty()) {
    result.error = entry->error;
    return result;
  }
  try {
    result.fields = signatureFields(entry->signers, headerSection, bodyHash, timestamp);
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  for (const auto& signer : entry->signers) {
    result.selectors.push_back(signer->selector());
    result.algorithms.emplace_back(signatureAlgorithmName(signer->algorithm()));
  }
  result.status = SigningResult::Status::Signed;
  return result;
}

}  // namespace postern::dkim
