// clientconfig::xmlText — text from a request or a setting made safe inside an XML element or a
// double-quoted attribute (XML 1.0 §2.4: '&' and '<' must be escaped, '>' in "]]>"; §3.3.3 for quotes).
//
// Must not know: which document it goes into. Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace postern::clientconfig {

// '&', '<', '>', '"' and '\'' as character references. Characters XML 1.0 cannot carry at all (C0 controls
// other than tab, LF and CR; §2.2 Char) are replaced by U+FFFD, never passed through: a document with them
// would be refused by the client as a whole.
std::string xmlText(std::string_view text);

}  // namespace postern::clientconfig
