// fs ownership — giving a directory tree to the account a service runs as, safely while root, and making
// sure a directory is private to its owner.
//
// The tree may contain entries its future owner already controls (an unprivileged account that can rename
// and symlink inside it at the same moment). Acting on a path there lets that account redirect root's
// chown to any file of the system (a directory swapped for a symlink between two steps of a walk). So
// nothing here acts on a path below the top: each directory is opened relative to its parent's descriptor
// with O_NOFOLLOW, each entry is opened the same way and changed through its descriptor (fchown/fchmod),
// after fstat has shown what exactly it is. Symbolic links are never followed and never changed; other
// filesystems (mount points) are not entered; a file with more than one hard link is left alone (it may
// be a link to a file elsewhere); only entries owned by root are handed over (root created them); entries
// of any third account are reported, not taken. A hard link whose original name was removed meanwhile
// has one link again and cannot be told from a file root made here: the kernel's fs.protected_hardlinks
// (Debian's default, 1) is what keeps an account from linking root's files in the first place.
//
// Must not know: what the files hold, which service runs. Thread-safety: stateless; callers serialise
// walks of the same tree.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fs/file_descriptor.h"

namespace postern::fs {

struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
};

struct HandOverReport {
  std::size_t handedOver = 0;          // entries (the top included) now owned by the account
  std::vector<std::string> leftAlone;  // "relative/path: why", for entries that were not changed
};

// Gives every root-owned directory and regular file of the tree under `top` (an open directory, the top
// itself included) to `to`, by descriptor only (see the header comment). Entries deeper than maxDepth are
// left alone and reported. Throws core::Error when the top cannot be read or changed.
HandOverReport handOverTree(const FileDescriptor& top, Account to, unsigned maxDepth = 16);

struct DirectoryReport {
  bool created = false;                      // it did not exist; made 0700 (and given to the account, if any)
  bool tightened = false;                    // it was open to group or others; now 0700
  std::optional<HandOverReport> handedOver;  // it was root's and the tree was given to the account
  uid_t owner = 0;                           // its owner now
  gid_t group = 0;
};

// Opens the directory at `path` (creating it 0700 when missing), removes any group/other permission from
// it, and, when `account` is given and the directory belongs to root, hands the whole tree to the account
// (handOverTree). A directory that belongs to neither root nor the account is refused (core::Error),
// since whoever owns it can change the service's data. Without an account nothing changes owner.
DirectoryReport preparePrivateDirectory(const std::filesystem::path& path, std::optional<Account> account);

}  // namespace postern::fs
