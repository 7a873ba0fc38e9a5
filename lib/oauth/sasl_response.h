// SASL initial client responses that carry an OAuth 2.0 bearer token to the smarthost. The relay
// base64-encodes them for "AUTH XOAUTH2 ..." / "AUTH OAUTHBEARER ...".
//
// Must not know: sockets, the token's origin. Thread-safety: pure functions. The results contain the
// access token: never log them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postern::oauth {

// Google/Microsoft XOAUTH2 (developers.google.com/gmail/imap/xoauth2-protocol):
// "user=" U ^A "auth=Bearer " T ^A ^A. Throws core::Error (permanent) when user or the token holds a
// control character (^A would split the message) or the token is empty.
std::string xoauth2Response(std::string_view user, std::string_view accessToken);

// RFC 7628 §3.1 OAUTHBEARER: the GS2 header "n,a=" U "," (RFC 5801 §4: "," → "=2C", "=" → "=3D" in U),
// then ^A "host=" H ^A "port=" P ^A "auth=Bearer " T ^A ^A. An empty user omits "a=" ("n,,"). Throws as
// xoauth2Response, also for a host with a control character.
std::string oauthBearerResponse(std::string_view user, std::string_view host, std::uint16_t port,
                                std::string_view accessToken);

}  // namespace postern::oauth
