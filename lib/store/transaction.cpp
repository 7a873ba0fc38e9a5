#include "store/transaction.h"

namespace postern::store {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  // SQLite ends a transaction by itself after some errors (SQLITE_FULL, SQLITE_IOERR); ROLLBACK would then
  // fail with "no transaction is active".
  if (committed_ || !connection_.inTransaction()) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (...) {
    // A destructor must not throw; Database::Lease retries the rollback before reusing the connection.
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  committed_ = true;
}

}  // namespace postern::store
