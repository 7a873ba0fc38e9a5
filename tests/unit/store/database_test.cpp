#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>

#include "store/database.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {
struct Fixture {
  TempDir dir;
  Database db{dir.file("postern.db")};

  Fixture() { db.acquire()->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT)"); }

  long long count() {
    auto c = db.acquire();
    auto q = c->prepare("SELECT count(*) FROM t");
    q.step();
    return q.columnInt64(0);
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(database)

BOOST_FIXTURE_TEST_CASE(connection_uses_wal_full_sync_and_foreign_keys, Fixture) {
  auto c = db.acquire();
  auto mode = c->prepare("PRAGMA journal_mode");
  BOOST_REQUIRE(mode.step());
  BOOST_TEST(mode.columnText(0) == "wal");
  auto sync = c->prepare("PRAGMA synchronous");
  BOOST_REQUIRE(sync.step());
  BOOST_TEST(sync.columnInt64(0) == 2);  // FULL
  auto fk = c->prepare("PRAGMA foreign_keys");
  BOOST_REQUIRE(fk.step());
  BOOST_TEST(fk.columnInt64(0) == 1);
}

BOOST_FIXTURE_TEST_CASE(statement_binds_by_index_and_name_and_reads_null, Fixture) {
  auto c = db.acquire();
  c->prepare("INSERT INTO t (id, name, note) VALUES (?1, :name, :note)")
      .bindInt64(1, 7)
      .bindText(":name", std::string_view("a\0b", 3))
      .bindNull(":note")
      .run();
  BOOST_TEST(c->lastInsertRowid() == 7);
  auto q = c->prepare("SELECT id, name, note FROM t");
  BOOST_REQUIRE(q.step());
  BOOST_TEST(q.columnInt64(0) == 7);
  BOOST_TEST(q.columnText(1) == std::string("a\0b", 3));  // embedded NUL survives: lengths, not C strings
  BOOST_TEST(q.columnIsNull(2));
  BOOST_TEST(q.columnText(2).empty());
  BOOST_TEST(!q.step());
}

BOOST_FIXTURE_TEST_CASE(binding_an_unknown_parameter_name_is_a_programming_error, Fixture) {
  auto c = db.acquire();
  auto q = c->prepare("SELECT * FROM t WHERE id = :id");
  BOOST_CHECK_THROW(q.bindInt64(":nope", 1), std::logic_error);
}

BOOST_FIXTURE_TEST_CASE(invalid_sql_is_reported_as_database_error, Fixture) {
  auto c = db.acquire();
  BOOST_CHECK_THROW(c->prepare("SELECT FROM nowhere"), DatabaseError);
  BOOST_CHECK_THROW(c->prepare("SELECT 1; SELECT 2"), std::logic_error);
}

BOOST_FIXTURE_TEST_CASE(unique_violation_is_reported_distinctly_and_permanent, Fixture) {
  auto c = db.acquire();
  c->prepare("INSERT INTO t (name) VALUES ('x')").run();
  try {
    c->prepare("INSERT INTO t (name) VALUES ('x')").run();
    BOOST_FAIL("expected a constraint violation");
  } catch (const ConstraintViolation& e) {
    BOOST_TEST((e.kind() == ConstraintViolation::Kind::Unique));
    BOOST_TEST(!e.temporary());
  }
}

BOOST_FIXTURE_TEST_CASE(transaction_rolls_back_unless_committed, Fixture) {
  {
    auto c = db.acquire();
    Transaction tx(*c);
    c->prepare("INSERT INTO t (name) VALUES ('lost')").run();
  }
  BOOST_TEST(count() == 0);
}

BOOST_FIXTURE_TEST_CASE(transaction_rolls_back_when_an_exception_leaves_the_scope, Fixture) {
  try {
    auto c = db.acquire();
    Transaction tx(*c);
    c->prepare("INSERT INTO t (name) VALUES ('a')").run();
    c->prepare("INSERT INTO t (name) VALUES ('a')").run();  // throws
    tx.commit();
  } catch (const ConstraintViolation&) {
  }
  BOOST_TEST(count() == 0);
}

BOOST_FIXTURE_TEST_CASE(committed_transaction_persists, Fixture) {
  {
    auto c = db.acquire();
    Transaction tx(*c);
    c->prepare("INSERT INTO t (name) VALUES ('kept')").run();
    tx.commit();
  }
  BOOST_TEST(count() == 1);
  Database reopened(dir.file("postern.db"));
  auto c = reopened.acquire();
  auto q = c->prepare("SELECT name FROM t");
  BOOST_REQUIRE(q.step());
  BOOST_TEST(q.columnText(0) == "kept");
}

BOOST_FIXTURE_TEST_CASE(second_writer_gets_a_temporary_error_after_the_busy_timeout, Fixture) {
  DatabaseOptions impatient;
  impatient.busyTimeout = 50ms;
  Database other(dir.file("postern.db"), impatient);
  auto holder = db.acquire();
  Transaction held(*holder);
  auto c = other.acquire();
  try {
    Transaction blocked(*c);
    BOOST_FAIL("expected SQLITE_BUSY");
  } catch (const DatabaseError& e) {
    BOOST_TEST(e.temporary());
    BOOST_TEST((e.code() & 0xff) == SQLITE_BUSY);
  }
}

BOOST_FIXTURE_TEST_CASE(readers_see_committed_data_while_a_writer_is_open, Fixture) {
  {
    auto c = db.acquire();
    c->prepare("INSERT INTO t (name) VALUES ('before')").run();
  }
  auto writer = db.acquire();
  Transaction tx(*writer);
  writer->prepare("INSERT INTO t (name) VALUES ('pending')").run();
  // WAL: a second pooled connection reads the last committed state without waiting.
  auto reader = db.acquire();
  auto q = reader->prepare("SELECT count(*) FROM t");
  q.step();
  BOOST_TEST(q.columnInt64(0) == 1);
}

BOOST_FIXTURE_TEST_CASE(an_empty_string_view_binds_empty_text_not_null, Fixture) {
  auto c = db.acquire();
  c->prepare("INSERT INTO t (id, note) VALUES (1, ?1)").bindText(1, std::string_view()).run();
  auto q = c->prepare("SELECT note FROM t");
  BOOST_REQUIRE(q.step());
  BOOST_TEST(!q.columnIsNull(0));
}

BOOST_AUTO_TEST_CASE(exhausted_pool_waits_then_reports_a_temporary_error) {
  TempDir dir;
  DatabaseOptions options;
  options.poolSize = 1;
  options.acquireTimeout = 30ms;
  Database db(dir.file("p.db"), options);
  std::optional<Database::Lease> first(db.acquire());
  try {
    auto second = db.acquire();
    BOOST_FAIL("expected the pool to be exhausted");
  } catch (const DatabaseError& e) {
    BOOST_TEST(e.temporary());
  }
  first.reset();
  BOOST_CHECK_NO_THROW(db.acquire());
}

BOOST_AUTO_TEST_CASE(returned_lease_with_an_open_transaction_is_rolled_back) {
  TempDir dir;
  DatabaseOptions options;
  options.poolSize = 1;
  Database db(dir.file("p.db"), options);
  db.acquire()->exec("CREATE TABLE t (x INTEGER)");
  {
    auto c = db.acquire();
    c->exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
  }
  auto c = db.acquire();
  BOOST_TEST(!c->inTransaction());
  auto q = c->prepare("SELECT count(*) FROM t");
  q.step();
  BOOST_TEST(q.columnInt64(0) == 0);
}

BOOST_AUTO_TEST_CASE(opening_a_file_in_a_missing_directory_fails_clearly) {
  TempDir dir;
  try {
    Database db(dir.file("missing/p.db"));
    BOOST_FAIL("expected an error");
  } catch (const DatabaseError& e) {
    BOOST_TEST(std::string(e.what()).find("missing/p.db") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
