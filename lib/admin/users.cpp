#include "admin/users.h"

#include "core/error.h"
#include "mail/allowed_senders.h"

namespace postern::admin {

void Users::checkPasswordPolicy(std::string_view password) {
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

std::string Users::requireLogin(std::string_view login) {
  auto normal = store::UserRepository::normaliseLogin(login);
  if (!normal)
    throw core::InvalidValue("login", "not an e-mail address: '" + std::string(login) +
                                          "' (a login is an address like alice@example.org)");
  return *normal;
}

std::string Users::requirePattern(std::string_view pattern) {
  auto normal = mail::AllowedSenders::normalisePattern(pattern);
  if (!normal)
    throw core::InvalidValue("pattern",
                             "not a sender pattern: '" + std::string(pattern) +
                                 "' (an address like alice@example.org or a domain like @example.org)");
  return *normal;
}

UserView Users::add(std::string_view login, std::string_view password) {
  // The cheap checks before spending an Argon2 run.
  const std::string normal = requireLogin(login);
  checkPasswordPolicy(password);
  return view(users_.createUser(normal, hasher_.hash(password), {normal}));
}

void Users::setPassword(std::string_view login, std::string_view password) {
  const std::string normal = requireLogin(login);
  checkPasswordPolicy(password);
  users_.setPasswordHash(normal, hasher_.hash(password));
}

void Users::setEnabled(std::string_view login, bool enabled) {
  users_.setEnabled(requireLogin(login), enabled);
}

void Users::remove(std::string_view login) { users_.deleteUser(requireLogin(login)); }

std::vector<UserView> Users::list() {
  std::vector<UserView> views;
  for (const auto& record : users_.listUsers()) views.push_back(view(record));
  return views;
}

UserPage Users::search(std::string_view contains, std::size_t offset, std::size_t limit) {
  store::UserRepository::Page found = users_.searchUsers(contains, offset, limit);
  UserPage page;
  page.total = found.total;
  for (std::size_t i = 0; i < found.users.size(); ++i) {
    const store::UserRecord& record = found.users[i];
    page.users.push_back(UserView{record.login, record.enabled, record.createdAt, record.updatedAt,
                                  std::move(found.patterns[i])});
  }
  return page;
}

std::optional<UserView> Users::find(std::string_view login) {
  const auto record = users_.findByLogin(login);
  if (!record) return std::nullopt;
  return view(*record);
}

std::string Users::addAddress(std::string_view login, std::string_view pattern) {
  const std::string normal = requirePattern(pattern);
  users_.addSenderPattern(requireLogin(login), normal);
  return normal;
}

void Users::removeAddress(std::string_view login, std::string_view pattern) {
  users_.removeSenderPattern(requireLogin(login), pattern);
}

std::vector<std::string> Users::addresses(std::string_view login) {
  return users_.listSenderPatterns(requireLogin(login));
}

UserView Users::view(const store::UserRecord& record) {
  UserView v;
  v.login = record.login;
  v.enabled = record.enabled;
  v.createdAt = record.createdAt;
  v.updatedAt = record.updatedAt;
  v.addresses = users_.listSenderPatterns(record.login);
  return v;
}

}  // namespace postern::admin
