#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "fs/directory_syncer.h"
#include "fs/file_io.h"
#include "support/temp_dir.h"

namespace fs = postern::fs;
using postern::test::TempDir;

BOOST_AUTO_TEST_CASE(single_caller_gets_its_own_sync) {
  TempDir dir;
  int syncs = 0;
  fs::DirectorySyncer syncer(dir.path(), [&](const std::filesystem::path&) { ++syncs; });
  syncer.sync();
  syncer.sync();
  BOOST_TEST(syncs == 2);
}

BOOST_AUTO_TEST_CASE(real_directory_sync_succeeds) {
  TempDir dir;
  fs::DirectorySyncer syncer(dir.path());
  syncer.sync();
  BOOST_TEST(syncer.waiting() == 0u);
}

// The first round is held open until every other thread is asleep behind it; they must all be served by
// one further round, because the fsync that was already running may have started before their requests.
BOOST_AUTO_TEST_CASE(concurrent_callers_share_rounds_started_after_their_request) {
  TempDir dir;
  constexpr int kThreads = 16;
  std::atomic<int> syncs{0};
  std::mutex m;
  std::condition_variable cv;
  bool releaseFirst = false;
  fs::DirectorySyncer* self = nullptr;
  fs::DirectorySyncer syncer(dir.path(), [&](const std::filesystem::path& d) {
    if (syncs.fetch_add(1) == 0) {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return releaseFirst; });
    }
    fs::syncDirectory(d);
  });
  self = &syncer;

  std::vector<std::thread> threads;
  threads.emplace_back([&] { syncer.sync(); });
  // Wait until the first round is running (the hook has been entered) before starting the others.
  while (syncs.load() == 0) std::this_thread::yield();
  for (int i = 1; i < kThreads; ++i) threads.emplace_back([&] { syncer.sync(); });
  while (self->waiting() != kThreads - 1) std::this_thread::yield();
  {
    std::lock_guard lock(m);
    releaseFirst = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();

  BOOST_TEST(syncs.load() == 2);
  BOOST_TEST(syncer.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(many_threads_all_return_with_fewer_syncs_than_requests) {
  TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kRequestsPerThread = 100;
  std::atomic<int> syncs{0};
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  std::atomic<int> finished{0};
  fs::DirectorySyncer* self = nullptr;
  fs::DirectorySyncer syncer(dir.path(), [&](const std::filesystem::path&) {
    if (inside.fetch_add(1) != 0) overlapped = true;
    syncs.fetch_add(1);
    // Hold each round until every other thread is either queued behind it or done: contention by
    // construction, not by timing.
    while (self->waiting() + static_cast<std::size_t>(finished.load()) < kThreads - 1) {
      std::this_thread::yield();
    }
    inside.fetch_sub(1);
  });
  self = &syncer;

  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int r = 0; r < kRequestsPerThread; ++r) syncer.sync();
      finished.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();

  BOOST_TEST(!overlapped.load());
  BOOST_TEST(syncs.load() < kThreads * kRequestsPerThread);
  BOOST_TEST(syncer.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_round_fails_every_caller_that_shared_it) {
  TempDir dir;
  constexpr int kWaiters = 4;
  std::atomic<int> calls{0};
  std::atomic<bool> release{false};
  fs::DirectorySyncer* self = nullptr;
  fs::DirectorySyncer syncer(dir.path(), [&](const std::filesystem::path& d) {
    const int call = calls.fetch_add(1) + 1;
    if (call == 1) {
      while (!release.load()) std::this_thread::yield();
    } else if (call == 2) {
      fs::throwSystemError(ENOSPC, "fsync", d);
    }
  });
  self = &syncer;

  std::thread first([&] { syncer.sync(); });
  while (calls.load() == 0) std::this_thread::yield();
  std::atomic<int> insufficient{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&] {
      try {
        syncer.sync();
      } catch (const postern::core::InsufficientStorage&) {
        insufficient.fetch_add(1);
      }
    });
  }
  while (self->waiting() != kWaiters) std::this_thread::yield();
  release = true;
  first.join();
  for (auto& t : waiters) t.join();
  BOOST_TEST(calls.load() == 2);
  BOOST_TEST(insufficient.load() == kWaiters);

  // A failure does not stick: the next caller gets a new round.
  syncer.sync();
  BOOST_TEST(calls.load() == 3);
}
