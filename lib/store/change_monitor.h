// store::ChangeMonitor — "has anything in the database been committed since I last looked?", answered
// without reading a table: PRAGMA data_version on a connection of the monitor's own, which never writes.
// Its value changes whenever any other connection, in this process or another (the CLI), commits.
//
// StampedCache keeps values read from the store (a user's sender addresses, their sending limits) and
// gives them back as long as the stamp is unchanged, so the message path reads no table while nothing
// changed, and a change by the CLI still applies to the very next message. A stamp is taken before the
// read it guards: a commit that races the read changes the next stamp, so it is never missed.
//
// Owns: one SQLite connection. Must not know: what the tables hold. Thread-safety: stamp() and every
// StampedCache call are safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "store/connection.h"
#include "store/statement.h"

namespace postern::store {

class ChangeMonitor {
 public:
  // Throws DatabaseError when the database cannot be opened.
  explicit ChangeMonitor(const std::string& path);

  // Differs from every earlier result once another connection has committed. Throws DatabaseError.
  std::uint64_t stamp();

 private:
  std::mutex mutex_;
  Connection connection_;
  Statement pragma_;
};

template <class Value>
class StampedCache {
 public:
  explicit StampedCache(ChangeMonitor& monitor, std::size_t maxEntries = 4096)
      : monitor_(monitor), maxEntries_(maxEntries) {}

  // The cached value for key while nothing was committed since it was read; otherwise load(), kept.
  // What load() throws passes through and nothing is kept.
  template <class Load>
  Value get(const std::string& key, Load&& load) {
    const std::uint64_t now = monitor_.stamp();
    {
      std::lock_guard lock(mutex_);
      if (const auto it = entries_.find(key); it != entries_.end() && it->second.first == now)
        return it->second.second;
    }
    Value value = load();
    std::lock_guard lock(mutex_);
    if (entries_.size() >= maxEntries_) entries_.clear();
    entries_.insert_or_assign(key, std::make_pair(now, value));
    return value;
  }

 private:
  ChangeMonitor& monitor_;
  const std::size_t maxEntries_;
  std::mutex mutex_;
  std::map<std::string, std::pair<std::uint64_t, Value>> entries_;
};

}  // namespace postern::store
