// Running as an unprivileged user: Postern starts as root only to bind ports below 1024 (and to read a
// TLS key only root may read), then switches for good to the account that owns its data, so that the SMTP
// parser, OpenSSL and Cyrus SASL never handle a client's bytes with root's rights, and so that no command
// run as root ever leaves a file behind that the server cannot use.
//
// Which account: as root, the configured `user`; with `user` empty, the owner of the data directory when
// that is not root (an installation made for a service account keeps being used as that account), else
// root itself. Not root: whoever started the process. The data directory is prepared as root by
// descriptor only (fs::preparePrivateDirectory), never by a walk along paths the account could redirect.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "fs/ownership.h"

namespace postern::app {

struct ServiceAccount {
  std::string name;  // for initgroups and messages; "uid N" when the uid has no passwd entry
  fs::Account ids;
};

struct PreparedDataDirectory {
  fs::DirectoryReport report;
  std::optional<ServiceAccount> account;  // the account to become; nullopt: stay who we are
};

// Creates the data directory when missing (0700), makes it private, and as root with `user` set gives it
// to that user when it is root's (first start, or an installation run as root before). Throws core::Error
// when `user` does not exist or the directory belongs to a third account.
PreparedDataDirectory takeDataDirectory(const config::Config& config);

// `postern fix-permissions`: as root, hands every root-owned entry of the data directory to the service
// account, by descriptor (fs::handOverTree). Throws core::Error when not root or there is no account.
fs::HandOverReport fixDataDirectoryOwnership(const config::Config& config);

// Switches group list, group and user to the account, irreversibly, for every thread of the process.
// Nothing to do for nullopt. Throws core::Error on failure (never continues as root by mistake).
void dropPrivileges(const std::optional<ServiceAccount>& account);

}  // namespace postern::app
