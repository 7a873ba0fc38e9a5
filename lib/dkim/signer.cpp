#include "dkim/signer.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/text.h"

namespace postern::dkim {

namespace {

constexpr std::size_t kMaxColumns = 78;  // RFC 5322 §2.1.1: SHOULD NOT exceed 78 characters

using MdCtx = core::CHandle<EVP_MD_CTX, EVP_MD_CTX_free>;

bool isFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Appends tokens to a header field, folding (CRLF SP) before a token that would pass 78 columns.
class Folder {
 public:
  explicit Folder(std::string start) : text_(std::move(start)), column_(text_.size()) {}

  // `spaced`: the token is separated by one SP when it stays on the same line.
  void add(std::string_view token, bool spaced) {
    const std::size_t needed = token.size() + (spaced ? 1 : 0);
    if (column_ + needed > kMaxColumns && column_ > 1) {
      text_ += "\r\n ";
      column_ = 1;
    } else if (spaced) {
      text_ += ' ';
      ++column_;
    }
    text_ += token;
    column_ += token.size();
  }

  // Base64 may be broken anywhere (FWS is allowed inside base64string, §2.4).
  void addBreakable(std::string_view value) {
    while (!value.empty()) {
      if (column_ >= kMaxColumns) {
        text_ += "\r\n ";
        column_ = 1;
      }
      const std::size_t take = std::min(value.size(), kMaxColumns - column_);
      text_ += value.substr(0, take);
      column_ += take;
      value.remove_prefix(take);
    }
  }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::size_t column_;
};

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw core::Error::temporary("dkim: SHA-256 failed");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::string signHeaderData(const EVP_PKEY* key, std::string_view data) {
  const KeyAlgorithm algorithm = algorithmOf(key);
  EVP_PKEY* pkey = const_cast<EVP_PKEY*>(key);  // OpenSSL's signature API is not const-correct
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) throw core::Error::temporary("dkim: EVP_MD_CTX_new failed");

  std::string input;
  if (algorithm == KeyAlgorithm::Rsa) {
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1)
      throw core::Error::temporary("dkim: EVP_DigestSignInit (rsa-sha256) failed");
    input = std::string(data);
  } else {
    // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the header data. OpenSSL takes no digest for
    // Ed25519 and signs one-shot only (NOTES-platform §6).
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey) != 1)
      throw core::Error::temporary("dkim: EVP_DigestSignInit (ed25519) failed");
    input = sha256(data);
  }
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, in, input.size()) != 1)
    throw core::Error::temporary("dkim: EVP_DigestSign (length) failed");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                     input.size()) != 1)
    throw core::Error::temporary("dkim: EVP_DigestSign failed");
  signature.resize(length);
  return signature;
}

std::string headerHashInput(const std::vector<const HeaderField*>& selected, Canonicalization c,
                            std::string_view signatureFieldWithEmptyB) {
  std::string data;
  for (const HeaderField* field : selected)
    if (field) data += canonicalizeHeaderField(c, field->raw);  // §5.4: a missing field adds nothing
  // §3.7: the DKIM-Signature field last, canonicalized, without the trailing CRLF.
  std::string own = canonicalizeHeaderField(c, std::string(signatureFieldWithEmptyB) + "\r\n");
  own.resize(own.size() - 2);
  data += own;
  return data;
}

std::string withEmptySignatureValue(std::string_view field) {
  std::size_t pos = field.find(':');
  if (pos == std::string_view::npos) return std::string(field);
  ++pos;
  while (pos < field.size()) {
    const std::size_t end = std::min(field.find(';', pos), field.size());
    std::size_t tag = pos;
    while (tag < end && isFws(field[tag])) ++tag;
    std::size_t eq = tag;
    if (eq < end && field[eq] == 'b') {
      ++eq;
      while (eq < end && isFws(field[eq])) ++eq;
      if (eq < end && field[eq] == '=')
        return std::string(field.substr(0, eq + 1)) + std::string(field.substr(end));
    }
    pos = end + 1;
  }
  return std::string(field);
}

Signer::Signer(const EVP_PKEY* key, SignerOptions options)
    : algorithm_(algorithmOf(key)), options_(std::move(options)) {
  EVP_PKEY* pkey = const_cast<EVP_PKEY*>(key);
  if (EVP_PKEY_up_ref(pkey) != 1) throw core::Error::temporary("dkim: EVP_PKEY_up_ref failed");
  key_.reset(pkey);
  // d= and s= are domain names (§3.5; selectors §3.1) and h= holds field names (RFC 5322 §3.6.8): checking
  // the characters keeps a bad value from injecting tags into the signature field.
  const auto isDomainish = [](std::string_view v) {
    return !v.empty() && v.size() <= 253 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
  };
  if (!isDomainish(options_.domain)) throw core::Error::permanent("dkim: invalid signing domain (d=)");
  if (!isDomainish(options_.selector)) throw core::Error::permanent("dkim: invalid selector (s=)");
  for (const auto& name : options_.signedHeaders) {
    if (name.empty() ||
        !std::all_of(name.begin(), name.end(), [](unsigned char c) { return c > 32 && c < 127 && c != ':'; }))
      throw core::Error::permanent("dkim: invalid header field name in h=");
  }
  if (options_.identity && std::any_of(options_.identity->begin(), options_.identity->end(),
                                       [](unsigned char c) { return c <= 32 || c == ';'; }))
    throw core::Error::permanent("dkim: invalid identity (i=)");
}

std::string Signer::sign(std::string_view headerSection, std::string_view bodyHash,
                         std::chrono::system_clock::time_point timestamp) const {
  const auto fields = parseHeaderSection(headerSection);
  const auto names =
      options_.signedHeaders.empty() ? defaultSignedHeaderNames(fields) : options_.signedHeaders;

  // Tag order follows RFC 6376 §3.5's list; b= comes last so that its value can be appended (§3.7).
  Folder folder("DKIM-Signature:");
  folder.add("v=1;", true);
  folder.add("a=" + std::string(signatureAlgorithmName(algorithm_)) + ";", true);
  folder.add("c=" + std::string(canonicalizationName(options_.headerCanonicalization)) + "/" +
                 std::string(canonicalizationName(options_.bodyCanonicalization)) + ";",
             true);
  folder.add("d=" + options_.domain + ";", true);
  if (options_.identity && !options_.identity->empty()) folder.add("i=" + *options_.identity + ";", true);
  folder.add("s=" + options_.selector + ";", true);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timestamp.time_since_epoch()).count();
  folder.add("t=" + std::to_string(seconds) + ";", true);
  for (std::size_t i = 0; i < names.size(); ++i) {
    // h= may be folded around its colons (§3.5 sig-h-tag allows FWS there).
    const std::string token =
        (i == 0 ? "h=" : ":") + core::toLowerAscii(names[i]) + (i + 1 == names.size() ? ";" : "");
    folder.add(token, i == 0);
  }
  folder.add("bh=" + core::base64Encode(bodyHash) + ";", true);
  folder.add("b=", true);

  const std::string unsignedField = folder.text();
  const auto selected = selectFieldsForSigning(fields, names);
  const std::string data = headerHashInput(selected, options_.headerCanonicalization, unsignedField);
  folder.addBreakable(core::base64Encode(signHeaderData(key_.get(), data)));
  return folder.text() + "\r\n";
}

std::string signMessage(const Signer& signer, std::string_view message,
                        std::chrono::system_clock::time_point timestamp) {
  std::size_t split = message.find("\r\n\r\n");
  std::string_view headers;
  std::string_view body;
  if (message.starts_with("\r\n")) {
    body = message.substr(2);
  } else if (split == std::string_view::npos) {
    headers = message;
  } else {
    headers = message.substr(0, split + 2);
    body = message.substr(split + 4);
  }
  BodyHasher hasher = signer.newBodyHasher();
  hasher.update(body);
  return signer.sign(headers, hasher.finish(), timestamp);
}

}  // namespace postern::dkim
