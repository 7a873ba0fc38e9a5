#include "admin/setup_tokens.h"

#include "admin/secret_token.h"
#include "admin/users.h"
#include "core/error.h"

namespace postern::admin {

std::string SetupTokens::issue() {
  if (!accounts_.empty())
    throw core::Conflict("an administrator account exists already: sign in, or use `postern admin`");
  std::string token = newSecretToken();
  accounts_.replaceSetupToken(secretTokenHash(token), clock_.now() + options_.validity);
  return token;
}

AdminView SetupTokens::redeem(std::string_view token, std::string_view login, std::string_view password) {
  const std::string normal = AdminAccounts::requireLogin(login);
  Users::checkPasswordPolicy(password);
  if (token.empty()) throw core::NotFound(kRefused);
  const std::string tokenHash = secretTokenHash(token);
  // A cheap look first, so that made-up tokens cost no Argon2 run; the redemption checks again.
  if (!accounts_.setupTokenUsable(tokenHash)) throw core::NotFound(kRefused);
  const auto created = accounts_.redeemSetupToken(tokenHash, normal, hasher_.hash(password));
  if (!created) throw core::NotFound(kRefused);
  return adminView(*created);
}

}  // namespace postern::admin
