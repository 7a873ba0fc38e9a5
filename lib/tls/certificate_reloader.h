// tls::CertificateReloader — loads renewed certificate and key files into the listeners' ContextHolders
// without a restart: on request (SIGHUP, `systemctl reload`) and when a periodic check finds that a file
// changed (modification time, size, inode or device: a certbot symlink switch counts).
//
// Rules: a new context is built completely (chain, key, key matches certificate, the cipher policy of
// makeServerContext) before it replaces the old one; when that fails the old context stays and one warning
// names the files and the reason (never key material); a failed change is not retried by the periodic
// check until a file changes again (a certificate written before its key fails once, then loads when the
// key arrives). Success logs the new certificate's subject and expiry. Every context built carries the
// shared TicketKeyRing, so tickets issued before a reload still resume after it.
//
// Owns: the list of targets (name, policy, holder), the files' fingerprints, the periodic check thread.
// Must not know: SMTP, HTTP, signals (the caller turns SIGHUP into reloadAll()).
// Thread-safety: reloadAll()/reloadChanged() may be called from any thread (one mutex); add() before
// startWatching().
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tls/context_holder.h"
#include "tls/server_context.h"
#include "tls/ticket_key_ring.h"

namespace postern::tls {

class CertificateReloader {
 public:
  // warning = true for a reload that failed; false for information (a certificate loaded).
  using Log = std::function<void(bool warning, const std::string& message)>;

  // ring: installed on every context built (none: tickets stay OpenSSL's per-context default).
  CertificateReloader(std::shared_ptr<TicketKeyRing> ring, Log log);
  ~CertificateReloader();
  CertificateReloader(const CertificateReloader&) = delete;
  CertificateReloader& operator=(const CertificateReloader&) = delete;

  // Builds the first context of a target (throws core::Error like makeServerContext) and returns its
  // holder, which listeners take as their ContextSource. name is for the log ("smtp", "admin").
  std::shared_ptr<ContextHolder> add(const std::string& name, const ServerPolicy& policy);

  // Reloads every target. Returns how many got a new context.
  std::size_t reloadAll();
  // Reloads the targets whose files changed since their last load or attempt.
  std::size_t reloadChanged();

  // Runs reloadChanged() every interval on a thread of its own until stopWatching() (or destruction).
  void startWatching(std::chrono::milliseconds interval);
  void stopWatching();

 private:
  struct Fingerprint {
    long long mtimeNs = 0, size = -1;
    unsigned long long inode = 0, device = 0;
    bool operator==(const Fingerprint& o) const {
      return mtimeNs == o.mtimeNs && size == o.size && inode == o.inode && device == o.device;
    }
  };
  struct Target {
    std::string name;
    ServerPolicy policy;
    std::shared_ptr<ContextHolder> holder;
    Fingerprint certificate, key;
  };
  static Fingerprint fingerprintOf(const std::string& path);
  Poco::Net::Context::Ptr build(const ServerPolicy& policy) const;
  bool reloadLocked(Target& target);

  std::shared_ptr<TicketKeyRing> ring_;
  Log log_;
  std::mutex mutex_;
  std::vector<Target> targets_;

  std::thread watcher_;
  std::mutex watchMutex_;
  std::condition_variable watchWake_;
  bool watchStop_ = false;
};

}  // namespace postern::tls
