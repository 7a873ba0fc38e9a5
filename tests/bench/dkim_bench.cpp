// dkim_bench — DKIM signing throughput per core through Postern's signing path: the message streamed into
// dkim::MessageHasher in 1 KiB pieces as the DATA reader hands it on (header kept, relaxed body hash), then
// dkim::signForDomain (domain choice, relaxed header canonicalization, h= with over-signing, the signature).
// Also the per-message cost of asking the key store whether keys changed (dkim::ActiveKeys::current(),
// one SQLite query), which the server adds to each message.
//
//   dkim_bench [seconds-per-case (default 3)] [message-size (default 4096)]
//
// Prints figures only; never part of a test run. Compare the signature step with `openssl speed`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
#include "dkim/active_keys.h"
#include "dkim/key_admin.h"
#include "dkim/message_signing.h"
#include "store/migration_runner.h"
#include "support/temp_dir.h"

using namespace postern;
using Clock = std::chrono::steady_clock;

namespace {

std::string makeMessage(std::size_t size) {
  std::string m =
      "From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nCc: carol@example.net\r\n"
      "Subject: Quarterly figures for the board meeting\r\nDate: Mon, 30 Nov 2026 17:27:53 +0000\r\n"
      "Message-ID: <20261130172753.1234@client.example.org>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  const std::string line =
      "Lorem ipsum dolor sit amet,  consectetur adipiscing elit, sed do eiusmod tempor\r\n";
  while (m.size() + line.size() <= size) m += line;
  m += std::string(size - m.size() - 2, 'x') + "\r\n";
  return m;
}

const std::string kAdded =
    "Received: from client.example.org ([192.0.2.7])\r\n\tby mail.example.org (Postern)\r\n";

// One message through the path; returns the signature fields' size so nothing is optimised away.
std::size_t signOnce(const dkim::KeyRing& ring, const std::string& message) {
  dkim::MessageHasher hasher(dkim::Canonicalization::Relaxed, 256 * 1024);
  for (std::size_t i = 0; i < message.size(); i += 1024)
    hasher.update(std::string_view(message).substr(i, 1024));
  const std::string bh = hasher.finish();
  const auto r = dkim::signForDomain(ring, "example.org", kAdded + hasher.headerSection(), bh,
                                     std::chrono::system_clock::now());
  if (r.status != dkim::SigningResult::Status::Signed) {
    std::fprintf(stderr, "signing failed: %s\n", r.error.c_str());
    std::exit(1);
  }
  return r.fields.size();
}

struct Result {
  double perSecond;
  double microsPerMessage;
};

Result run(const dkim::KeyRing& ring, const std::string& message, double seconds, unsigned threads) {
  std::vector<std::thread> workers;
  std::vector<std::size_t> counts(threads, 0);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      std::size_t n = 0, sink = 0;
      while (Clock::now() < end) {
        sink += signOnce(ring, message);
        ++n;
      }
      counts[t] = n + (sink == 0 ? 1 : 0);
    });
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::size_t total = 0;
  for (auto c : counts) total += c;
  return {total / elapsed, elapsed * 1e6 * threads / total};
}

std::shared_ptr<const dkim::Signer> signer(const EVP_PKEY* key, const char* selector) {
  dkim::SignerOptions o;
  o.domain = "example.org";
  o.selector = selector;
  return std::make_shared<const dkim::Signer>(key, o);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const std::size_t size = argc > 2 ? static_cast<std::size_t>(std::atol(argv[2])) : 4096;
  const std::string message = makeMessage(size);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  const auto rsa = dkim::generateRsaKey(2048);
  const auto ed = dkim::generateEd25519Key();
  dkim::KeyRing rsaRing, edRing, dualRing;
  rsaRing.add(signer(rsa.get(), "r"));
  edRing.add(signer(ed.get(), "e"));
  dualRing.add(signer(rsa.get(), "r"));
  dualRing.add(signer(ed.get(), "e"));

  std::printf("dkim_bench: %zu-octet messages, relaxed/relaxed, %.1f s per case, %u cores\n", message.size(),
              seconds, cores);
  std::printf("%-28s %14s %14s %18s\n", "case", "msgs/s 1 core", "us/message", "msgs/s all cores");
  const struct {
    const char* name;
    const dkim::KeyRing* ring;
  } cases[] = {
      {"rsa-sha256 (2048)", &rsaRing}, {"ed25519-sha256", &edRing}, {"dual (ed25519 + rsa-2048)", &dualRing}};
  for (const auto& c : cases) {
    const Result one = run(*c.ring, message, seconds, 1);
    const Result all = run(*c.ring, message, seconds, cores);
    std::printf("%-28s %14.0f %14.1f %18.0f\n", c.name, one.perSecond, one.microsPerMessage, all.perSecond);
  }
  // The body hash alone, to separate it from the signature.
  {
    const auto start = Clock::now();
    std::size_t n = 0;
    while (Clock::now() - start < std::chrono::duration<double>(seconds / 3)) {
      dkim::MessageHasher hasher(dkim::Canonicalization::Relaxed, 256 * 1024);
      hasher.update(message);
      n += hasher.finish().size() ? 1 : 0;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%-28s %14.0f %14.1f\n", "  of which split+body hash", n / elapsed, elapsed * 1e6 / n);
  }
  // The key store check the server makes per message (no change: one SELECT, no decryption).
  {
    test::TempDir dir;
    store::Database db(dir.file("postern.db"));
    store::MigrationRunner(db).run();
    store::DkimKeyRepository keys(db);
    const auto vault = [] {
      return dkim::KeyVault(dkim::MasterKey::fromBase64(core::base64Encode(std::string(32, 'k'))));
    };
    dkim::KeyAdmin admin(keys, vault);
    admin.generate("example.org", dkim::KeyAlgorithm::Ed25519, 2048, "e");
    admin.activate("example.org", "e");
    dkim::ActiveKeys active(keys, vault, dkim::SigningSettings{});
    active.current();
    const auto start = Clock::now();
    std::size_t n = 0;
    while (Clock::now() - start < std::chrono::duration<double>(seconds / 3))
      n += active.current()->signerCount();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%-28s %14.0f %14.1f\n", "key store check (SQLite)", n / elapsed, elapsed * 1e6 / n);
  }
  std::printf(
      "\nCompare the signature step with OpenSSL's own figures on this machine:\n"
      "  openssl speed -seconds 3 rsa2048 ed25519\n"
      "('sign/s' for rsa 2048 bits and for Ed25519; one process = one core). Postern's per-message cost is\n"
      "that signature plus the split and body hash and the header canonicalization shown above.\n");
  return 0;
}
