#include "oauth/token.h"

namespace postern::oauth {

std::string_view grantType(Grant grant) {
  return grant == Grant::RefreshToken ? "refresh_token" : "client_credentials";
}

}  // namespace postern::oauth
