// store::Database — the Postern database file and a small pool of connections to it.
//
// Owns: up to poolSize store::Connection objects, opened on demand and reused. Thread-safe: acquire() may
// be called from any thread; it hands out a Lease, giving the calling thread exclusive use of one
// connection until the Lease is destroyed. When every connection is leased, acquire() waits up to
// acquireTimeout and then throws a temporary store::DatabaseError. A thread must not hold two leases at
// once (with a pool of one it would wait for itself). Leases must not outlive the Database.
// SQLite in WAL mode lets readers run beside the single writer (NOTES-platform §7); writes go through
// store::Transaction (BEGIN IMMEDIATE).
//
// Must not know: SMTP, HTTP. The directory of the file must exist (the caller creates it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/connection.h"

namespace postern::store {

struct DatabaseOptions {
  std::size_t poolSize = 4;
  std::chrono::milliseconds busyTimeout{5000};     // SQLite waits this long for another writer
  std::chrono::milliseconds acquireTimeout{5000};  // acquire() waits this long for a free connection
};

class Database {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : database_(other.database_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class Database;
    Lease(Database& database, std::unique_ptr<Connection> connection)
        : database_(database), connection_(std::move(connection)) {}
    Database& database_;
    std::unique_ptr<Connection> connection_;
  };

  // Opens the first connection at once, so a wrong path or an unusable file fails at start-up.
  // Throws store::DatabaseError.
  explicit Database(std::string path, DatabaseOptions options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Lease acquire();
  const std::string& path() const { return path_; }

 private:
  void release(std::unique_ptr<Connection> connection) noexcept;

  const std::string path_;
  const DatabaseOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle plus leased
};

}  // namespace postern::store
