#define BOOST_TEST_MODULE fs
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "fs/file_descriptor.h"
#include "fs/file_io.h"
#include "fs/lock_file.h"
#include "support/temp_dir.h"

namespace fs = postern::fs;
using postern::test::TempDir;

namespace {

// Every byte value, CR, LF and NUL included.
std::string allByteValues() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(write_all_then_read_file_returns_the_exact_bytes) {
  TempDir dir;
  const auto path = dir / "f";
  const std::string bytes = allByteValues() + std::string(300 * 1024, 'x') + "\r\n.\r\n";
  {
    auto fd = fs::openFile(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    fs::writeAll(fd, bytes, path);
    fs::fsyncFile(fd, path);
    fd.close(path);
    BOOST_TEST(!fd.valid());
  }
  BOOST_TEST(fs::readFile(path) == bytes);
}

BOOST_AUTO_TEST_CASE(errors_name_the_path_and_are_temporary) {
  TempDir dir;
  const auto missing = dir / "missing";
  try {
    fs::openFile(missing, O_RDONLY);
    BOOST_FAIL("open of a missing file succeeded");
  } catch (const postern::core::Error& e) {
    BOOST_TEST(e.temporary());
    BOOST_TEST(std::string(e.what()).find(missing.string()) != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("No such file") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(no_space_and_quota_errors_become_insufficient_storage) {
  BOOST_CHECK_THROW(fs::throwSystemError(ENOSPC, "write", "/spool/x"), postern::core::InsufficientStorage);
  BOOST_CHECK_THROW(fs::throwSystemError(EROFS, "open", "/spool/x"), postern::core::InsufficientStorage);
  BOOST_CHECK_THROW(fs::throwSystemError(EDQUOT, "write", "/spool/x"), postern::core::InsufficientStorage);
  try {
    fs::throwSystemError(EIO, "write", "/spool/x");
  } catch (const postern::core::InsufficientStorage&) {
    BOOST_FAIL("EIO is not a storage shortage");
  } catch (const postern::core::Error& e) {
    BOOST_TEST(e.temporary());
  }
}

BOOST_AUTO_TEST_CASE(full_device_write_reports_insufficient_storage) {
  // /dev/full answers every write with ENOSPC: the real errno path, not a simulation.
  if (!std::filesystem::exists("/dev/full")) return;
  auto fd = fs::openFile("/dev/full", O_WRONLY);
  BOOST_CHECK_THROW(fs::writeAll(fd, "data", "/dev/full"), postern::core::InsufficientStorage);
}

BOOST_AUTO_TEST_CASE(read_file_if_exists_distinguishes_absence_from_content) {
  TempDir dir;
  BOOST_TEST(!fs::readFileIfExists(dir / "missing").has_value());
  auto fd = fs::openFile(dir / "empty", O_WRONLY | O_CREAT, 0600);
  BOOST_TEST(fs::readFileIfExists(dir / "empty").value() == "");
}

BOOST_AUTO_TEST_CASE(list_directory_returns_sorted_names) {
  TempDir dir;
  for (const char* name : {"b", "a", ".hidden"}) fs::openFile(dir / name, O_WRONLY | O_CREAT, 0600);
  BOOST_TEST(fs::listDirectory(dir.path()) == (std::vector<std::string>{".hidden", "a", "b"}));
  BOOST_CHECK_THROW(fs::listDirectory(dir / "missing"), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(remove_file_reports_whether_the_file_existed) {
  TempDir dir;
  const auto path = dir / "f";
  fs::openFile(path, O_WRONLY | O_CREAT, 0600);
  BOOST_TEST(fs::removeFile(path));
  BOOST_TEST(!fs::removeFile(path));
}

BOOST_AUTO_TEST_CASE(a_rename_without_replace_moves_to_a_free_name_and_leaves_a_taken_one_alone) {
  TempDir dir;
  const auto from = dir / "from", to = dir / "to", other = dir / "other";
  fs::writeAll(fs::openFile(from, O_WRONLY | O_CREAT, 0600), "new", from);
  fs::writeAll(fs::openFile(to, O_WRONLY | O_CREAT, 0600), "old", to);
  BOOST_TEST(!fs::renameFileNoReplace(from, to));
  BOOST_TEST(fs::readFile(to) == "old");
  BOOST_TEST(fs::readFile(from) == "new");
  BOOST_TEST(fs::renameFileNoReplace(from, other));
  BOOST_TEST(fs::readFile(other) == "new");
  BOOST_TEST(!fs::readFileIfExists(from).has_value());
}

BOOST_AUTO_TEST_CASE(ensure_directory_creates_with_mode_and_accepts_an_existing_one) {
  TempDir dir;
  const auto sub = dir / "sub";
  BOOST_TEST(fs::ensureDirectory(sub, 0700));
  BOOST_TEST(!fs::ensureDirectory(sub, 0700));
  struct stat st {};
  BOOST_REQUIRE(::stat(sub.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
  fs::openFile(dir / "file", O_WRONLY | O_CREAT, 0600);
  BOOST_CHECK_THROW(fs::ensureDirectory(dir / "file"), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(sync_directory_and_free_bytes_work_on_a_real_directory) {
  TempDir dir;
  fs::syncDirectory(dir.path());
  BOOST_TEST(fs::freeBytes(dir.path()) > 0u);
  BOOST_CHECK_THROW(fs::syncDirectory(dir / "missing"), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(moved_descriptor_is_owned_once) {
  TempDir dir;
  auto a = fs::openFile(dir / "f", O_WRONLY | O_CREAT, 0600);
  const int raw = a.get();
  fs::FileDescriptor b(std::move(a));
  BOOST_TEST(!a.valid());
  BOOST_TEST(b.get() == raw);
  fs::FileDescriptor c;
  c = std::move(b);
  BOOST_TEST(c.get() == raw);
  BOOST_TEST(!b.valid());
}

BOOST_AUTO_TEST_CASE(a_lock_file_is_held_once_until_released) {
  TempDir dir;
  const auto path = dir / "postern.lock";
  {
    auto first = fs::LockFile::tryAcquire(path);
    BOOST_TEST(first.has_value());
    BOOST_TEST(!fs::LockFile::tryAcquire(path).has_value());  // a second open file description is refused
  }
  BOOST_TEST(fs::LockFile::tryAcquire(path).has_value());  // released with its owner
}
