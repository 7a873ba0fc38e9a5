#include "app/admin_bootstrap.h"

#include <optional>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"
#include "fs/file_io.h"

namespace postern::app {

namespace {
constexpr const char* kPasswordVariable = "POSTERN_ADMIN_PASSWORD";
constexpr const char* kFileVariable = "POSTERN_ADMIN_PASSWORD_FILE";

std::optional<std::string> nonEmpty(const std::map<std::string, std::string>& env, const char* name) {
  const auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// "secret\n" and "secret\r\n" (an editor's last line) are "secret"; only one newline goes.
void stripOneNewline(core::SecretString& text) {
  std::string_view view = text.view();
  if (!view.empty() && view.back() == '\n') view.remove_suffix(1);
  if (view.size() < text.size() && !view.empty() && view.back() == '\r') view.remove_suffix(1);
  if (view.size() == text.size()) return;
  core::SecretString shorter = core::SecretString::withSize(view.size());
  view.copy(shorter.data(), view.size());
  text = std::move(shorter);
}
}  // namespace

AdminBootstrap bootstrapFirstAdmin(admin::AdminAccounts& accounts,
                                   const std::map<std::string, std::string>& env, Poco::Logger& logger) {
  if (accounts.anyExists()) return AdminBootstrap::AccountExists;
  core::SecretString password;
  std::string source;
  if (auto value = nonEmpty(env, kPasswordVariable)) {
    password = core::SecretString(std::move(*value));
    source = kPasswordVariable;
  } else if (const auto file = nonEmpty(env, kFileVariable)) {
    source = std::string(kFileVariable) + " (" + core::printable(*file) + ")";
    try {
      password = core::SecretString(fs::readFile(*file));
    } catch (const core::Error& e) {
      logger.error("admin: no first administrator: " + source +
                   " cannot be read: " + core::printable(e.what()));
      return AdminBootstrap::PasswordRefused;
    }
    stripOneNewline(password);
  } else {
    return AdminBootstrap::NoPassword;
  }

  try {
    const auto created = accounts.bootstrapFromPassword(password.view());
    if (!created) return AdminBootstrap::AccountExists;  // another process was first
  } catch (const core::InvalidValue& e) {
    // The policy's messages name the rule, never the password.
    logger.error("admin: no first administrator: the password from " + source + " is refused: " + e.what());
    return AdminBootstrap::PasswordRefused;
  }
  logger.information("admin: created the administrator account '" +
                     std::string(admin::AdminAccounts::kFirstLogin) +
                     "' (role admin) with the password from " + source);
  return AdminBootstrap::Created;
}

}  // namespace postern::app
