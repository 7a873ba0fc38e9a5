#include "store/database.h"

#include <stdexcept>

#include "store/store_error.h"

namespace postern::store {

Database::Lease::~Lease() {
  if (connection_) database_.release(std::move(connection_));
}

Database::Database(std::string path, DatabaseOptions options) : path_(std::move(path)), options_(options) {
  if (options_.poolSize == 0) throw std::invalid_argument("store::Database: poolSize must be at least 1");
  idle_.push_back(std::make_unique<Connection>(path_, options_.busyTimeout));
  open_ = 1;
}

Database::Lease Database::acquire() {
  std::unique_lock lock(mutex_);
  const bool ready = available_.wait_for(lock, options_.acquireTimeout,
                                         [this] { return !idle_.empty() || open_ < options_.poolSize; });
  if (!ready)
    throw DatabaseError(
        core::Severity::Temporary, SQLITE_BUSY,
        "no free database connection within " + std::to_string(options_.acquireTimeout.count()) + " ms");
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  // Count the connection before opening it (outside the lock: opening touches the disk), and give the
  // slot back if opening fails.
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Connection>(path_, options_.busyTimeout));
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Database::release(std::unique_ptr<Connection> connection) noexcept {
  // A transaction left open (a bug, since store::Transaction rolls back) would hold the write lock for
  // the next user of this connection; end it here, and drop the connection if even that fails.
  if (connection->inTransaction()) {
    try {
      connection->exec("ROLLBACK");
    } catch (...) {
      connection.reset();
    }
  }
  std::lock_guard lock(mutex_);
  if (connection)
    idle_.push_back(std::move(connection));
  else
    --open_;
  available_.notify_one();
}

}  // namespace postern::store
