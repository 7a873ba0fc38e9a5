// Running as an unprivileged user: Postern starts as root only to bind ports below 1024, then switches to
// the configured `user` for good, so that the SMTP parser, OpenSSL and Cyrus SASL never handle a client's
// bytes with root's rights.
#pragma once

#include "config/config.h"

namespace postern::app {

// When running as root with `user` set: gives that user the data directory (recursively, so an
// installation first run as root keeps working). Throws core::Error when the user does not exist.
void handOverDataDirectory(const config::Config& config);

// When running as root with `user` set: switches group list, group and user, irreversibly, for every
// thread of the process. Throws core::Error on failure (never continues as root by mistake).
void dropPrivileges(const config::Config& config);

}  // namespace postern::app
