#include "auth/user_admin.h"

#include "core/error.h"

namespace postern::auth {

void UserAdmin::checkPasswordPolicy(std::string_view password) {
  std::size_t characters = 0;
  for (const char c : password) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
      throw core::InvalidValue("password", "the password must not contain control characters");
    if ((byte & 0xc0) != 0x80) ++characters;  // count UTF-8 lead bytes, not continuation bytes
  }
  if (characters < kMinPasswordCharacters)
    throw core::InvalidValue("password", "the password is too short: at least " +
                                             std::to_string(kMinPasswordCharacters) +
                                             " characters are required");
  if (password.size() > kMaxPasswordBytes)
    throw core::InvalidValue(
        "password", "the password is too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes");
}

store::UserRecord UserAdmin::addUser(std::string_view login, std::string_view password) {
  // Validate the cheap things before spending an Argon2 run.
  if (!store::UserRepository::normaliseLogin(login))
    throw core::InvalidValue("login", "not an e-mail address: '" + std::string(login) +
                                          "' (a login is an address like alice@example.org)");
  checkPasswordPolicy(password);
  return users_.createUser(login, hasher_.hash(password));
}

void UserAdmin::setPassword(std::string_view login, std::string_view password) {
  checkPasswordPolicy(password);
  if (!users_.findByLogin(login)) {
    const auto normal = store::UserRepository::normaliseLogin(login);
    throw core::NotFound("no such user: " + (normal ? *normal : std::string(login)));
  }
  users_.setPasswordHash(login, hasher_.hash(password));
}

}  // namespace postern::auth
