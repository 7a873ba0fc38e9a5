// fs::handOverTree and fs::preparePrivateDirectory: root's walk of a tree its future owner controls.
// Changing owners needs root; those cases are skipped (and say so) when the suite runs unprivileged.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "core/error.h"
#include "fs/file_io.h"
#include "fs/ownership.h"
#include "support/temp_dir.h"

namespace fs = postern::fs;
namespace stdfs = std::filesystem;
using postern::test::TempDir;

namespace {

constexpr fs::Account kService{65534, 65534};  // nobody/nogroup on Debian; only the numbers matter

struct RootOnly {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result r(::geteuid() == 0);
    r.message() << "changing owners needs root";
    return r;
  }
};

void touch(const stdfs::path& p) { std::ofstream(p) << "x"; }

uid_t ownerOf(const stdfs::path& p) {
  struct stat st {};
  BOOST_REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_uid;
}

fs::FileDescriptor openDir(const stdfs::path& p) { return fs::openFile(p, O_RDONLY | O_DIRECTORY); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ownership)

BOOST_AUTO_TEST_CASE(root_owned_directories_and_files_go_to_the_account,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top/a/b");
  touch(dir / "top/a/b/file");
  touch(dir / "top/f");
  const auto report = fs::handOverTree(openDir(dir / "top"), kService);
  for (const char* p : {"top", "top/a", "top/a/b", "top/a/b/file", "top/f"})
    BOOST_TEST(ownerOf(dir / p) == kService.uid, p);
  BOOST_TEST(report.handedOver == 5u);
  BOOST_TEST(report.leftAlone.empty());
}

BOOST_AUTO_TEST_CASE(a_symlink_is_never_followed_nor_changed, *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top");
  stdfs::create_directories(dir / "outside");
  touch(dir / "outside/secret");
  stdfs::create_directory_symlink(dir / "outside", dir / "top/dirlink");
  stdfs::create_symlink(dir / "outside/secret", dir / "top/filelink");
  fs::handOverTree(openDir(dir / "top"), kService);
  BOOST_TEST(ownerOf(dir / "outside") == 0u);
  BOOST_TEST(ownerOf(dir / "outside/secret") == 0u);
  BOOST_TEST(ownerOf(dir / "top/dirlink") == 0u);
  BOOST_TEST(ownerOf(dir / "top/filelink") == 0u);
}

BOOST_AUTO_TEST_CASE(a_file_with_a_second_hard_link_is_left_alone,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top");
  touch(dir / "elsewhere");
  stdfs::create_hard_link(dir / "elsewhere", dir / "top/linked");
  const auto report = fs::handOverTree(openDir(dir / "top"), kService);
  BOOST_TEST(ownerOf(dir / "elsewhere") == 0u);
  BOOST_REQUIRE(report.leftAlone.size() == 1u);
  BOOST_TEST(report.leftAlone.front() == "linked: has 2 hard links");
}

BOOST_AUTO_TEST_CASE(entries_of_a_third_account_are_reported_not_taken,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top/d");
  touch(dir / "top/d/theirs");
  BOOST_REQUIRE(::chown((dir / "top/d/theirs").c_str(), 4242, 4242) == 0);
  const auto report = fs::handOverTree(openDir(dir / "top"), kService);
  BOOST_TEST(ownerOf(dir / "top/d/theirs") == 4242u);
  BOOST_TEST(ownerOf(dir / "top/d") == kService.uid);
  BOOST_REQUIRE(report.leftAlone.size() == 1u);
  BOOST_TEST(report.leftAlone.front() == "d/theirs: owned by uid 4242");
}

BOOST_AUTO_TEST_CASE(a_fifo_is_not_opened_and_not_taken, *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top");
  BOOST_REQUIRE(::mkfifo((dir / "top/pipe").c_str(), 0600) == 0);  // opening it for reading would block
  const auto report = fs::handOverTree(openDir(dir / "top"), kService);
  BOOST_TEST(ownerOf(dir / "top/pipe") == 0u);
  BOOST_TEST(report.leftAlone.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_tree_deeper_than_the_limit_is_cut_and_reported,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top/1/2/3/4");
  const auto report = fs::handOverTree(openDir(dir / "top"), kService, 2);
  BOOST_TEST(ownerOf(dir / "top/1/2") == kService.uid);
  BOOST_TEST(ownerOf(dir / "top/1/2/3") == 0u);
  BOOST_REQUIRE(report.leftAlone.size() == 1u);
  BOOST_TEST(report.leftAlone.front() == "1/2/3: deeper than 2 levels");
}

// The attack: the account swaps a directory it owns with a symlink to a root directory, as fast as it
// can, while root walks the tree. A walk by path sooner or later resolves the path through the symlink and
// gives the root file away; a walk by descriptor never leaves the tree.
BOOST_AUTO_TEST_CASE(swapping_a_directory_with_a_symlink_during_the_walk_never_reaches_outside,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "top/a/zz");
  stdfs::create_directories(dir / "victim");
  touch(dir / "top/a/zz/file");
  touch(dir / "victim/file");
  stdfs::create_directory_symlink(dir / "victim", dir / "top/a/zzlink");
  std::atomic<bool> stop{false};
  std::atomic<long> swaps{0};
  std::thread attacker([&] {
    const std::string a = (dir / "top/a/zz").string(), b = (dir / "top/a/zzlink").string();
    while (!stop.load())
      if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) ++swaps;
  });
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Joiner() {
      stop = true;
      thread.join();
    }
  } joiner{stop, attacker};
  const auto resetToRoot = [&] {
    for (const char* p : {"top", "top/a", "top/a/zz", "top/a/zzlink", "top/a/zz/file", "top/a/zzlink/file"})
      ::lchown((dir / p).c_str(), 0, 0);  // by path on purpose: whichever of the two is the directory now
  };
  for (int i = 0; i < 2000; ++i) {
    // Everything back to root, so that every walk wants to hand over the file it reaches.
    resetToRoot();
    fs::handOverTree(openDir(dir / "top"), kService);
    BOOST_REQUIRE_MESSAGE(ownerOf(dir / "victim/file") == 0u,
                          "walk " << i << " gave away a file outside the tree");
    BOOST_REQUIRE(ownerOf(dir / "victim") == 0u);
  }
  BOOST_TEST(swaps.load() > 0);
}

BOOST_AUTO_TEST_CASE(a_directory_open_to_others_is_made_private) {
  TempDir dir;
  stdfs::create_directories(dir / "data");
  ::chmod((dir / "data").c_str(), 0755);
  const auto report = fs::preparePrivateDirectory(dir / "data", std::nullopt);
  struct stat st {};
  ::stat((dir / "data").c_str(), &st);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
  BOOST_TEST(report.tightened);
  BOOST_TEST(!report.created);
}

BOOST_AUTO_TEST_CASE(a_missing_directory_is_created_private_and_given_to_the_account,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  const auto report = fs::preparePrivateDirectory(dir / "data", kService);
  BOOST_TEST(report.created);
  BOOST_TEST(ownerOf(dir / "data") == kService.uid);
  BOOST_TEST(report.owner == kService.uid);
  BOOST_TEST(!report.handedOver.has_value());
}

BOOST_AUTO_TEST_CASE(a_root_owned_directory_is_handed_over_with_its_tree,
                     *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "data/spool");
  touch(dir / "data/postern.db");
  const auto report = fs::preparePrivateDirectory(dir / "data", kService);
  BOOST_REQUIRE(report.handedOver.has_value());
  BOOST_TEST(report.handedOver->handedOver == 3u);
  BOOST_TEST(ownerOf(dir / "data/postern.db") == kService.uid);
}

BOOST_AUTO_TEST_CASE(an_account_owned_directory_is_not_walked, *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "data");
  touch(dir / "data/root-file");
  BOOST_REQUIRE(::chown((dir / "data").c_str(), kService.uid, kService.gid) == 0);
  const auto report = fs::preparePrivateDirectory(dir / "data", kService);
  BOOST_TEST(!report.handedOver.has_value());
  BOOST_TEST(ownerOf(dir / "data/root-file") == 0u);  // only `postern fix-permissions` walks it
}

BOOST_AUTO_TEST_CASE(a_directory_of_a_third_account_is_refused, *boost::unit_test::precondition(RootOnly())) {
  TempDir dir;
  stdfs::create_directories(dir / "data");
  BOOST_REQUIRE(::chown((dir / "data").c_str(), 4242, 4242) == 0);
  BOOST_CHECK_THROW(fs::preparePrivateDirectory(dir / "data", kService), postern::core::Error);
  BOOST_TEST(ownerOf(dir / "data") == 4242u);
}

BOOST_AUTO_TEST_SUITE_END()
