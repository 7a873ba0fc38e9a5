// store::BanRepository — the brute-force ban list (db/009_auth_bans.sql auth_bans): one row per banned
// client address or login, with when its latest ban ends and how many bans in a row it has had.
//
// Owns: the SQL for auth_bans. Must not know: what makes a ban or how long it lasts (auth::BanList), HTTP.
// Keys are stored as given (the caller normalises them); whoever prints them escapes them.
// Errors: store::DatabaseError (busy: temporary), core::InvalidValue (a value the schema refuses).
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "store/database.h"

namespace postern::store {

struct BanRecord {
  std::string kind;  // "addr" or "login"
  std::string key;
  std::chrono::system_clock::time_point startedAt;
  std::chrono::system_clock::time_point until;
  unsigned count = 1;
  std::string reason;
};

class BanRepository {
 public:
  explicit BanRepository(Database& database) : database_(database) {}

  // Inserts the ban or replaces the row with the same kind and key.
  void save(const BanRecord& record);
  // Every row, active or only remembered, ordered by kind then key.
  std::vector<BanRecord> list();
  // Deletes the row; false when there was none.
  bool remove(const std::string& kind, const std::string& key);
  // Deletes every row whose ban ended at or before endedBy; returns how many went. With endedBy past the
  // end of every row, it empties the table.
  std::size_t removeEndedBy(std::chrono::system_clock::time_point endedBy);
  // Deletes every row; returns how many went.
  std::size_t removeAll();

 private:
  Database& database_;
};

}  // namespace postern::store
