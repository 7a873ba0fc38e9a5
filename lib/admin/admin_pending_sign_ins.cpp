#include "admin/admin_pending_sign_ins.h"

#include "admin/secret_token.h"
#include "core/error.h"

namespace postern::admin {

void PendingSignIns::purgeExpired(std::chrono::system_clock::time_point now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.expires <= now)
      it = pending_.erase(it);
    else
      ++it;
  }
}

std::string PendingSignIns::issue(std::string_view login) {
  std::string token = newSecretToken();
  const auto now = clock_.now();
  const std::lock_guard lock(mutex_);
  purgeExpired(now);
  if (pending_.size() >= maxPending_)
    throw core::Error::temporary("too many sign-ins are waiting for a second factor; try again shortly");
  pending_[secretTokenHash(token)] = Pending{std::string(login), now + lifetime_};
  return token;
}

std::optional<std::string> PendingSignIns::redeem(std::string_view token) {
  if (token.empty()) return std::nullopt;
  const std::string hash = secretTokenHash(token);
  const auto now = clock_.now();
  const std::lock_guard lock(mutex_);
  const auto it = pending_.find(hash);
  if (it == pending_.end()) return std::nullopt;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  if (pending.expires <= now) return std::nullopt;
  return std::move(pending.login);
}

}  // namespace postern::admin
