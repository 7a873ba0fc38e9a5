// dkim message signing — what Postern does for each submitted message: split the stream into the header
// section and the body while it arrives, hash the body on the fly (no second read, issue: DKIM signing),
// pick the signing domain for the header From (the domain itself, else its nearest parent with a key), and
// produce one DKIM-Signature per active key of that domain (Ed25519 first, then RSA: RFC 8463 §1 dual
// signing, so verifiers without Ed25519 still find an RSA signature).
//
// Owns: KeyRing (an immutable snapshot of the usable signers by domain) and MessageHasher.
// Must not know: where keys are stored, SMTP replies, the queue. Thread-safety: a KeyRing is immutable and
// shared; one MessageHasher per message and thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/signer.h"

namespace postern::dkim {

// The domains that may sign for a From domain, nearest first: the domain itself (lower-case, without a
// final dot), then each parent with at least two labels ("a.b.example.org" → "b.example.org" →
// "example.org"; never "org"). Without a public-suffix list this only ever matters for domains an
// administrator gave a key, and d= must be the From domain or a parent of it for DMARC alignment
// (RFC 7489 §3.1.1, relaxed mode) anyway. Empty for an address literal or an empty domain.
std::vector<std::string> signingDomainCandidates(std::string_view fromDomain);

class KeyRing {
 public:
  struct Entry {
    // Ready signers, Ed25519 before RSA. Shared with the message threads.
    std::vector<std::shared_ptr<const Signer>> signers;
    // Non-empty when a key of this domain could not be loaded (wrong master key, damaged row): messages
    // for the domain must not leave unsigned or half-signed, so the caller fails them (451).
    std::string error;
  };

  void add(std::shared_ptr<const Signer> signer);
  void addBroken(const std::string& domain, const std::string& error);

  // The entry that signs mail from fromDomain (see signingDomainCandidates), and its domain; nullptr
  // when neither the domain nor a parent has an active key.
  const Entry* find(std::string_view fromDomain, std::string* signingDomain = nullptr) const;

  std::size_t domainCount() const { return entries_.size(); }
  std::size_t signerCount() const;

 private:
  std::map<std::string, Entry> entries_;
};

// Splits a message stream (CRLF lines, as the SMTP DATA reader hands it on) into its header section, kept
// up to maxHeaderSection octets, and its body, hashed as it passes (BodyHasher).
class MessageHasher {
 public:
  MessageHasher(Canonicalization body, std::size_t maxHeaderSection);
  MessageHasher(const MessageHasher&) = delete;
  MessageHasher& operator=(const MessageHasher&) = delete;

  void update(std::string_view bytes);
  // The header fields as received, each ending in CRLF, without the empty line that ends the section.
  const std::string& headerSection() const { return header_; }
  bool headerTooLarge() const { return tooLarge_; }
  // Ends the message; returns the raw 32-byte body hash. Call once.
  std::string finish();

 private:
  BodyHasher body_;
  std::size_t maxHeader_;
  std::string header_;
  bool inHeader_ = true;
  bool atLineStart_ = true;  // in the header: the previous byte ended a line (or nothing came yet)
  bool pendingCr_ = false;   // in the header: a CR at the start of a line, waiting for its LF
  bool tooLarge_ = false;
};

// The outcome of signing one message with a KeyRing.
struct SigningResult {
  enum class Status { Signed, NoKey, Failed };
  Status status = Status::NoKey;
  std::string fields;                   // Signed: the DKIM-Signature fields, each ending in CRLF
  std::string signingDomain;            // Signed or Failed: d=
  std::vector<std::string> selectors;   // Signed: s= of each signature, in order
  std::vector<std::string> algorithms;  // Signed: a= of each signature, in order ("rsa-sha256", ...)
  std::string error;                    // Failed: why (for the log; never key material)
};

// Signs for the header From domain: the ring's entry for it or its nearest parent (KeyRing::find); NoKey
// when there is none; Failed when that entry has a key that could not be loaded, the header section was
// too large to keep, or OpenSSL failed. Never throws for those.
SigningResult signForDomain(const KeyRing& ring, std::string_view fromDomain, std::string_view headerSection,
                            std::string_view bodyHash, std::chrono::system_clock::time_point timestamp);

// One DKIM-Signature field per signer, each ending in CRLF, in the order given. `headerSection` is what
// the recipient will see below these fields (the fields Postern adds, then the message's own).
std::string signatureFields(const std::vector<std::shared_ptr<const Signer>>& signers,
                            std::string_view headerSection, std::string_view bodyHash,
                            std::chrono::system_clock::time_point timestamp);

}  // namespace postern::dkim
