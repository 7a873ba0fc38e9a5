// store migrations — the numbered SQL files of db/, embedded at build time (db/embed_migrations.cmake),
// and the runner that applies them (store/migration_runner.h).
//
// Thread-safety: embeddedMigrations() returns an immutable list.
#pragma once

#include <vector>

namespace postern::store {

struct Migration {
  int version;       // NNN of db/NNN_name.sql
  const char* name;  // "001_users"
  const char* sql;
};

// Sorted by version; defined in the generated embedded_migrations.cpp.
const std::vector<Migration>& embeddedMigrations();

}  // namespace postern::store
