// dkim::Signer — builds a DKIM-Signature header field (RFC 6376 §3.5) for a message whose body hash was
// computed while it streamed in (BodyHasher), signing with rsa-sha256 (RFC 6376 §3.3.1) or
// ed25519-sha256 (RFC 8463 §3).
//
// Owns: the tag list, its folding, the header hash input (§3.7, §5.4) and the EVP_PKEY signing calls.
// Must not know: the queue, the network, configuration files, where keys are stored.
// Thread-safety: a Signer is immutable after construction; sign() may run on several threads at once.
#pragma once

#include <openssl/evp.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/header_fields.h"
#include "dkim/keys.h"

namespace postern::dkim {

struct SignerOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  Canonicalization headerCanonicalization = Canonicalization::Relaxed;
  Canonicalization bodyCanonicalization = Canonicalization::Relaxed;
  // h=, in order, repeats allowed (over-signing). Empty: defaultSignedHeaderNames() of the message.
  std::vector<std::string> signedHeaders;
  std::optional<std::string> identity;  // i=, omitted when empty (then it defaults to "@" d=, §3.5)
};

// The raw signature over the header hash input: rsa-sha256 is RSASSA-PKCS1-v1_5 with SHA-256 (§3.3.1);
// ed25519-sha256 is PureEd25519 over the SHA-256 digest of the data (RFC 8463 §3).
std::string signHeaderData(const EVP_PKEY* key, std::string_view data);

// §3.7: the canonical forms of the selected fields, in h= order (nullptr entries contribute nothing),
// followed by the canonical DKIM-Signature field — whose b= value must already be empty — without its
// final CRLF.
std::string headerHashInput(const std::vector<const HeaderField*>& selected, Canonicalization c,
                            std::string_view signatureFieldWithEmptyB);

// §3.7: a DKIM-Signature field (without its final CRLF) with the b= tag's value, including the
// whitespace around it, removed; every other byte kept.
std::string withEmptySignatureValue(std::string_view signatureField);

class Signer {
 public:
  // Takes a reference on `key` (EVP_PKEY_up_ref), so the caller may drop its own.
  Signer(const EVP_PKEY* key, SignerOptions options);

  // A body hasher for this signer's body canonicalization.
  BodyHasher newBodyHasher() const { return BodyHasher(options_.bodyCanonicalization); }

  // `headerSection`: the message's header fields as received (CRLF lines). `bodyHash`: the 32 raw bytes
  // from BodyHasher::finish(). Returns "DKIM-Signature: ...\r\n", folded under 78 columns, to be put on
  // top of the message.
  std::string sign(std::string_view headerSection, std::string_view bodyHash,
                   std::chrono::system_clock::time_point timestamp) const;

  KeyAlgorithm algorithm() const { return algorithm_; }
  const std::string& domain() const { return options_.domain; }
  const std::string& selector() const { return options_.selector; }
  Canonicalization bodyCanonicalization() const { return options_.bodyCanonicalization; }

 private:
  PrivateKey key_;
  KeyAlgorithm algorithm_;
  SignerOptions options_;
};

// Convenience for whole messages held in memory (tests, the CLI): splits at the first empty line, hashes
// the body and signs. Returns the DKIM-Signature field only.
std::string signMessage(const Signer& signer, std::string_view message,
                        std::chrono::system_clock::time_point timestamp);

}  // namespace postern::dkim
