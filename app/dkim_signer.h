// app::DkimSigner — the session's smtp::MessageSigner over lib/dkim: each message's bytes go through a
// dkim::MessageHasher (header section kept, body hashed as it streams), and at the end the active keys
// (dkim::ActiveKeys, reloaded when the CLI changes them) sign for the header From domain or its parent.
//
// Thread-safety: DkimSigner is shared by all sessions; each MessageSignature belongs to one session.
#pragma once

#include <cstddef>
#include <memory>

#include "config/config.h"
#include "core/clock.h"
#include "dkim/active_keys.h"
#include "dkim/key_binding.h"
#include "smtp/ports.h"

namespace postern::app {

class DkimSigner final : public smtp::MessageSigner {
 public:
  DkimSigner(dkim::ActiveKeys& keys, std::size_t maxHeaderSection, const core::Clock& clock)
      : keys_(keys), maxHeaderSection_(maxHeaderSection), clock_(clock) {}
  std::unique_ptr<smtp::MessageSignature> begin() override;

 private:
  dkim::ActiveKeys& keys_;
  std::size_t maxHeaderSection_;
  const core::Clock& clock_;
};

}  // namespace postern::app
