// dkim header fields: splitting a raw header section into fields and choosing the instances a signature
// covers (RFC 6376 §5.4, §5.4.2), over-signing included.
//
// Owns: header-section parsing as DKIM needs it (each field's exact bytes, folding kept).
// Must not know: the queue, the network, configuration files. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postern::dkim {

struct HeaderField {
  std::string name;  // as written, without trailing WSP
  std::string raw;   // the whole field: "Name: value\r\n" with continuation lines and the final CRLF
};

// Splits a header section (CRLF lines; continuation lines start with SP or HTAB, RFC 5322 §2.2.3). The
// empty line that ends the section may be present or not; anything after it is ignored. Lines without a
// colon are kept as fields with an empty name so that nothing is silently lost.
std::vector<HeaderField> parseHeaderSection(std::string_view section);

// §5.4.2: for each name in `names` (case-insensitive), the next instance not yet used, counted from the
// bottom of the section. A name listed more times than it occurs yields nullptr for the extra entries:
// it contributes nothing to the hash now, and a field of that name added later breaks the signature
// (over-signing, §5.4).
std::vector<const HeaderField*> selectFieldsForSigning(const std::vector<HeaderField>& fields,
                                                       const std::vector<std::string>& names);

// Names Postern signs by default (issue 4): each of From, To, Cc, Subject, Date, Message-ID, Reply-To,
// MIME-Version, Content-Type, Content-Transfer-Encoding, In-Reply-To, References and List-* once per
// instance present, then From, To and Subject once more so that an added instance breaks the signature.
std::vector<std::string> defaultSignedHeaderNames(const std::vector<HeaderField>& fields);

}  // namespace postern::dkim
