#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "fs/directory_syncer.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "support/temp_dir.h"

namespace fs = postern::fs;
using postern::test::TempDir;

namespace {

std::vector<std::string> namesIn(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(durable_write_creates_the_file_with_mode_and_no_leftovers) {
  TempDir dir;
  const auto path = dir / "envelope";
  fs::writeFileDurably(path, std::string("a\0b\r\n", 5), 0640);
  BOOST_TEST(fs::readFile(path) == std::string("a\0b\r\n", 5));
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0640u);
  BOOST_TEST(namesIn(dir.path()) == std::vector<std::string>{"envelope"});
}

BOOST_AUTO_TEST_CASE(durable_write_replaces_atomically_by_rename) {
  TempDir dir;
  const auto path = dir / "state";
  fs::writeFileDurably(path, "old contents, longer than the new ones");
  // A reader holding the old file keeps seeing the old bytes whole: the new file is a different inode
  // published by rename, never the old one rewritten in place.
  struct stat before {};
  BOOST_REQUIRE(::stat(path.c_str(), &before) == 0);
  fs::writeFileDurably(path, "new");
  struct stat after {};
  BOOST_REQUIRE(::stat(path.c_str(), &after) == 0);
  BOOST_TEST(before.st_ino != after.st_ino);
  BOOST_TEST(fs::readFile(path) == "new");
  BOOST_TEST(namesIn(dir.path()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(failed_durable_write_keeps_the_old_file_and_removes_its_temporary) {
  TempDir dir;
  const auto path = dir / "target";
  // The rename fails because the target is a non-empty directory: the temporary must not stay behind.
  std::filesystem::create_directory(path);
  fs::writeFileDurably(path / "inner", "keep");
  BOOST_CHECK_THROW(fs::writeFileDurably(path, "new"), postern::core::Error);
  BOOST_TEST(namesIn(dir.path()) == std::vector<std::string>{"target"});
  BOOST_TEST(fs::readFile(path / "inner") == "keep");
}

BOOST_AUTO_TEST_CASE(durable_write_through_a_syncer_uses_its_round) {
  TempDir dir;
  int syncs = 0;
  fs::DirectorySyncer syncer(dir.path(), [&](const std::filesystem::path& d) {
    ++syncs;
    fs::syncDirectory(d);
  });
  fs::writeFileDurably(dir / "f", "bytes", 0600, syncer);
  BOOST_TEST(syncs == 1);
  BOOST_TEST(fs::readFile(dir / "f") == "bytes");
  BOOST_CHECK_THROW(fs::writeFileDurably(dir / "sub" / "f", "x", 0600, syncer), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(temporary_names_are_recognised) {
  BOOST_TEST(fs::isTemporaryName(".0ABC.env.tmp-a1B2c3"));
  BOOST_TEST(!fs::isTemporaryName("0ABC.env"));
  BOOST_TEST(!fs::isTemporaryName(".tmp-abcdef"));
  BOOST_TEST(!fs::isTemporaryName("x.tmp-abcdef"));
  BOOST_TEST(!fs::isTemporaryName(".x.tmp-abc"));
}
