// DKIM canonicalization (RFC 6376 §3.4) and header-section splitting, on arbitrary bytes.
// Properties: for both algorithms, the body canonicalizer gives the same bytes however the input is
// chunked, is idempotent (canonicalizing its output changes nothing), and BodyHasher's digest is SHA-256
// of those bytes; a relaxed header field is idempotent too, ends in CRLF with no other CR or LF, and has
// no run of spaces; parseHeaderSection loses and alters nothing (its fields put together are the section
// as given, up to the empty line) and selectFieldsForSigning only returns fields of the names asked for.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "dkim/canonicalization.h"
#include "dkim/header_fields.h"
#include "fuzz_check.h"

using namespace postern;
using postern::fuzz::escaped;

namespace {

std::string canonicalBody(dkim::Canonicalization c, std::string_view body, std::size_t chunk) {
  std::string out;
  dkim::BodyCanonicalizer canon(c, [&out](std::string_view s) { out.append(s); });
  for (std::size_t i = 0; i < body.size(); i += chunk) canon.update(body.substr(i, chunk));
  canon.finish();
  return out;
}

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

void checkBody(dkim::Canonicalization c, std::string_view body, std::size_t chunk) {
  const std::string name(dkim::canonicalizationName(c));
  const std::string whole = canonicalBody(c, body, body.size() + 1);
  FUZZ_CHECK(canonicalBody(c, body, chunk) == whole,
             name + " chunk " + std::to_string(chunk) + ": " + escaped(body));
  FUZZ_CHECK(canonicalBody(c, whole, whole.size() + 1) == whole, name + ": " + escaped(body));
  FUZZ_CHECK(whole.empty() || whole.ends_with("\r\n"), name + ": " + escaped(whole));
  dkim::BodyHasher hasher(c);
  for (std::size_t i = 0; i < body.size(); i += chunk) hasher.update(body.substr(i, chunk));
  FUZZ_CHECK(hasher.finish() == sha256(whole), name + ": " + escaped(body));
}

void checkHeaderField(std::string_view field) {
  FUZZ_CHECK(dkim::canonicalizeHeaderField(dkim::Canonicalization::Simple, field) == field, escaped(field));
  const std::string relaxed = dkim::canonicalizeHeaderField(dkim::Canonicalization::Relaxed, field);
  FUZZ_CHECK(dkim::canonicalizeHeaderField(dkim::Canonicalization::Relaxed, relaxed) == relaxed,
             escaped(field) + " -> " + escaped(relaxed));
  FUZZ_CHECK(relaxed.ends_with("\r\n"), escaped(relaxed));
  const std::size_t colon = relaxed.find(':');
  FUZZ_CHECK(colon != std::string::npos, escaped(relaxed));
  const std::string_view value = std::string_view(relaxed).substr(colon + 1, relaxed.size() - colon - 3);
  FUZZ_CHECK(value.find_first_of("\r\n\t") == std::string_view::npos, escaped(relaxed));
  FUZZ_CHECK(value.find("  ") == std::string_view::npos && !value.starts_with(' ') && !value.ends_with(' '),
             escaped(relaxed));
}

void checkSection(std::string_view section) {
  const auto fields = dkim::parseHeaderSection(section);
  std::string joined;
  for (const auto& f : fields) {
    FUZZ_CHECK(f.raw.ends_with("\r\n"), escaped(f.raw));
    joined += f.raw;
  }
  // The only byte added is a final CRLF for a section that stopped without one.
  const bool completed = !fields.empty() && !section.starts_with(joined);
  if (completed) joined.resize(joined.size() - 2);
  FUZZ_CHECK(section.starts_with(joined), escaped(section) + " vs " + escaped(joined));
  const std::string_view after = section.substr(joined.size());
  FUZZ_CHECK(after.empty() || after.starts_with("\r\n"), escaped(section));
  if (completed) FUZZ_CHECK(after.empty(), escaped(section));

  const auto names = dkim::defaultSignedHeaderNames(fields);
  const auto selected = dkim::selectFieldsForSigning(fields, names);
  FUZZ_CHECK(selected.size() == names.size(), escaped(section));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (selected[i]) FUZZ_CHECK(core::iequalsAscii(selected[i]->name, names[i]), escaped(section));
  for (const auto& f : fields) checkHeaderField(f.raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 13;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  checkBody(dkim::Canonicalization::Simple, bytes, chunk);
  checkBody(dkim::Canonicalization::Relaxed, bytes, chunk);
  checkHeaderField(bytes);
  checkSection(bytes);
  return 0;
}
