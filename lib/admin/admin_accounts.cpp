#include "admin/admin_accounts.h"

#include "admin/secret_token.h"
#include "admin/users.h"
#include "core/error.h"

namespace postern::admin {

AdminView adminView(const store::AdminAccountRecord& record) {
  AdminView view;
  view.login = record.login;
  view.role = record.role;
  view.enabled = record.enabled;
  view.createdAt = record.createdAt;
  view.lastLoginAt = record.lastLoginAt;
  return view;
}

std::string AdminAccounts::requireLogin(std::string_view login) {
  auto normal = store::AdminAccountRepository::normaliseLogin(login);
  if (!normal)
    throw core::InvalidValue("login", "invalid administrator login: '" + std::string(login) +
                                          "' (1 to 64 characters: letters, digits, '.', '_', '@', '-')");
  return *normal;
}

AdminRole AdminAccounts::requireRole(std::string_view text) {
  const auto role = parseAdminRole(text);
  if (!role)
    throw core::InvalidValue("role", "unknown role '" + std::string(text) + "' (expected admin or viewer)");
  return *role;
}

AdminView AdminAccounts::add(std::string_view login, std::string_view password, AdminRole role) {
  // The cheap checks before spending an Argon2 run.
  const std::string normal = requireLogin(login);
  Users::checkPasswordPolicy(password);
  return adminView(accounts_.create(normal, hasher_.hash(password), role));
}

void AdminAccounts::setPassword(std::string_view login, std::string_view password,
                                std::optional<std::string_view> callerSessionToken) {
  const std::string normal = requireLogin(login);
  Users::checkPasswordPolicy(password);
  std::optional<std::string> keep;
  if (callerSessionToken && !callerSessionToken->empty()) keep = secretTokenHash(*callerSessionToken);
  accounts_.setPasswordHash(normal, hasher_.hash(password), keep);
}

void AdminAccounts::setEnabled(std::string_view login, bool enabled) {
  accounts_.setEnabled(requireLogin(login), enabled);
}

void AdminAccounts::setRole(std::string_view login, AdminRole role) {
  accounts_.setRole(requireLogin(login), role);
}

void AdminAccounts::remove(std::string_view login) { accounts_.remove(requireLogin(login)); }

std::vector<AdminView> AdminAccounts::list() {
  std::vector<AdminView> views;
  for (const auto& record : accounts_.list()) views.push_back(adminView(record));
  return views;
}

std::optional<AdminView> AdminAccounts::find(std::string_view login) {
  const auto record = accounts_.find(login);
  if (!record) return std::nullopt;
  return adminView(*record);
}

bool AdminAccounts::anyExists() { return !accounts_.empty(); }

std::optional<AdminView> AdminAccounts::bootstrapFromPassword(std::string_view password) {
  // Skips the checks and the Argon2 run on every later start; createFirst decides, should another process
  // race us.
  if (anyExists()) return std::nullopt;
  Users::checkPasswordPolicy(password);
  const auto created = accounts_.createFirst(kFirstLogin, hasher_.hash(password), AdminRole::Admin);
  if (!created) return std::nullopt;
  return adminView(*created);
}

}  // namespace postern::admin
