// store::Transaction — a write transaction that rolls back in its destructor unless commit() succeeded
// (STYLE §5, SQLiteCpp's Transaction).
//
// It starts with BEGIN IMMEDIATE: the write lock is taken at the start, so a transaction that reads and
// then writes cannot fail with SQLITE_BUSY_SNAPSHOT halfway (NOTES-platform §7). A busy database makes
// the constructor wait the busy timeout and then throw a temporary store::DatabaseError.
//
// Must not know: SMTP, HTTP. Thread-safety: none; used by the thread holding the connection's lease.
#pragma once

#include "store/connection.h"

namespace postern::store {

class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Throws store::DatabaseError; the destructor then rolls back.
  void commit();

 private:
  Connection& connection_;
  bool committed_ = false;
};

}  // namespace postern::store
