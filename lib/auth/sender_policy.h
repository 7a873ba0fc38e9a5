// auth::SenderPolicy — which sender addresses an authenticated login may use (README "Sender rules"),
// read from the user store, or with a store::ChangeMonitor kept while nothing in the store changed, so that
// an administrator's change (web or CLI) applies to the next message.
// app/ adapts it to smtp::SenderDirectory.
//
// Must not know: SMTP replies, sockets. Thread-safety: thread-safe (the repository is).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mail/allowed_senders.h"
#include "store/change_monitor.h"
#include "store/user_repository.h"

namespace postern::auth {

class SenderPolicy {
 public:
  // changes (optional; the server passes one): the answers are kept while nothing in the store changed.
  explicit SenderPolicy(store::UserRepository& users, store::ChangeMonitor* changes = nullptr)
      : users_(users) {
    if (changes) cache_.emplace(*changes);
  }

  // Empty for an unknown login (it may send as no one). Throws core::Error when the store fails.
  mail::AllowedSenders sendersFor(std::string_view login) {
    if (!cache_) return users_.allowedSenders(login);
    return cache_->get(std::string(login), [&] { return users_.allowedSenders(login); });
  }
  bool mayUse(std::string_view login, const mail::Address& sender) {
    return sendersFor(login).allows(sender);
  }

 private:
  store::UserRepository& users_;
  std::optional<store::StampedCache<mail::AllowedSenders>> cache_;
};

}  // namespace postern::auth
