// spool_bench — commits per second through queue::Spool with 4 KiB messages at 1, 4 and 16 threads.
// Every commit is fully durable (body and envelope fsynced, directory fsync shared through the
// DirectorySyncer), so the figures show what group commit buys as concurrency grows.
//
//   spool_bench [directory-on-the-filesystem-to-measure] [messages-per-thread]
//
// Prints figures only; never part of a pass/fail run (DESIGN.md "Tests"). Run it on the disk the spool
// will live on: a tmpfs /tmp makes fsync free and the numbers meaningless.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "queue/spool.h"

namespace {

using postern::queue::EnvelopeData;
using postern::queue::Spool;

EnvelopeData benchEnvelope() {
  EnvelopeData e;
  e.sender = {"bench", "example.org"};
  e.recipients = {{{"sink", "example.com"}}};
  e.login = "bench";
  e.clientAddress = "192.0.2.1";
  e.heloName = "bench.example.org";
  e.arrival = std::chrono::system_clock::now();
  return e;
}

std::string body4k() {
  std::string body = "Subject: bench\r\n\r\n";
  while (body.size() < 4096 - 78) body += std::string(76, 'x') + "\r\n";
  body.resize(4096 - 2);
  return body + "\r\n";
}

double commitsPerSecond(const std::filesystem::path& root, int threads, int perThread) {
  Spool spool(root);
  const std::string body = body4k();
  const EnvelopeData envelope = benchEnvelope();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < perThread; ++i) {
        auto message = spool.begin(envelope);
        message.write(body);
        message.commit("Received: by bench\r\n");
      }
    });
  }
  for (auto& w : workers) w.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return threads * perThread / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path base = argc > 1 ? argv[1] : std::filesystem::temp_directory_path().string();
  const int perThread = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
  std::string pattern = (base / "postern-spool-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir(pattern);
  int status = 0;
  try {
    std::printf("spool_bench: 4 KiB messages, %d per thread, in %s\n", perThread, dir.c_str());
    for (const int threads : {1, 4, 16}) {
      const double rate = commitsPerSecond(dir / ("t" + std::to_string(threads)), threads, perThread);
      std::printf("%3d thread(s): %10.0f commits/s\n", threads, rate);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spool_bench: %s\n", e.what());
    status = 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return status;
}
