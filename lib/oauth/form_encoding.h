// application/x-www-form-urlencoded bodies for token requests (RFC 6749 Appendix B; WHATWG URL
// "application/x-www-form-urlencoded serializer").
//
// Must not know: HTTP sessions. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::oauth {

// ALPHA / DIGIT / "-" / "." / "_" / "~" stay, space becomes "+", every other byte "%XX" (upper-case hex).
std::string formEncode(std::string_view value);

// "name=value&name=value", both sides encoded, in the order given.
std::string formBody(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace postern::oauth
