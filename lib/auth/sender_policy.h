// auth::SenderPolicy — which sender addresses an authenticated login may use (README "Sender rules"),
// read from the user store on every call so that an administrator's change applies to the next message.
// app/ adapts it to smtp::SenderDirectory.
//
// Must not know: SMTP replies, sockets. Thread-safety: thread-safe (the repository is).
#pragma once

#include <string_view>

#include "mail/allowed_senders.h"
#include "store/user_repository.h"

namespace postern::auth {

class SenderPolicy {
 public:
  explicit SenderPolicy(store::UserRepository& users) : users_(users) {}

  // Empty for an unknown login (it may send as no one). Throws core::Error when the store fails.
  mail::AllowedSenders sendersFor(std::string_view login) { return users_.allowedSenders(login); }
  bool mayUse(std::string_view login, const mail::Address& sender) {
    return sendersFor(login).allows(sender);
  }

 private:
  store::UserRepository& users_;
};

}  // namespace postern::auth
