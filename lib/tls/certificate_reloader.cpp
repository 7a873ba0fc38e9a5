#include "tls/certificate_reloader.h"

#include <sys/stat.h>

#include <ctime>

#include "core/error.h"
#include "tls/certificate_info.h"

namespace postern::tls {

namespace {

std::string isoDate(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

CertificateReloader::CertificateReloader(std::shared_ptr<TicketKeyRing> ring, Log log)
    : ring_(std::move(ring)), log_(std::move(log)) {}

CertificateReloader::~CertificateReloader() { stopWatching(); }

CertificateReloader::Fingerprint CertificateReloader::fingerprintOf(const std::string& path) {
  struct stat st {};
  Fingerprint f;
  if (::stat(path.c_str(), &st) != 0) return f;  // a missing file: size -1, compared like any other state
  f.mtimeNs = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  f.size = static_cast<long long>(st.st_size);
  f.inode = st.st_ino;
  f.device = st.st_dev;
  return f;
}

Poco::Net::Context::Ptr CertificateReloader::build(const ServerPolicy& policy) const {
  ServerPolicy withKeys = policy;
  if (ring_) withKeys.ticketKeys = ring_;
  return makeServerContext(withKeys);
}

std::shared_ptr<ContextHolder> CertificateReloader::add(const std::string& name, const ServerPolicy& policy) {
  Target target{name, policy, nullptr, fingerprintOf(policy.certificateFile),
                fingerprintOf(policy.privateKeyFile)};
  target.holder = std::make_shared<ContextHolder>(build(policy));
  std::lock_guard lock(mutex_);
  targets_.push_back(target);
  return target.holder;
}

bool CertificateReloader::reloadLocked(Target& target) {
  // Fingerprints first: a file that changes while it is read is seen as changed again at the next check.
  target.certificate = fingerprintOf(target.policy.certificateFile);
  target.key = fingerprintOf(target.policy.privateKeyFile);
  Poco::Net::Context::Ptr next;
  try {
    next = build(target.policy);
  } catch (const std::exception& e) {
    if (log_)
      log_(true, target.name + " certificate not reloaded, the current one stays in use: " + e.what());
    return false;
  }
  target.holder->replace(next);
  if (log_) {
    std::string what = target.name + " certificate reloaded from " + target.policy.certificateFile;
    if (const auto info = readCertificateInfo(target.policy.certificateFile))
      what += ": subject " + info->subject + ", expires " + isoDate(info->notAfter) +
              (info->selfSigned ? " (self-signed)" : "");
    log_(false, what);
  }
  return true;
}

std::size_t CertificateReloader::reloadAll() {
  std::lock_guard lock(mutex_);
  std::size_t reloaded = 0;
  for (auto& target : targets_) reloaded += reloadLocked(target) ? 1 : 0;
  return reloaded;
}

std::size_t CertificateReloader::reloadChanged() {
  std::lock_guard lock(mutex_);
  std::size_t reloaded = 0;
  for (auto& target : targets_) {
    if (fingerprintOf(target.policy.certificateFile) == target.certificate &&
        fingerprintOf(target.policy.privateKeyFile) == target.key)
      continue;
    reloaded += reloadLocked(target) ? 1 : 0;
  }
  return reloaded;
}

void CertificateReloader::startWatching(std::chrono::milliseconds interval) {
  stopWatching();
  {
    std::lock_guard lock(watchMutex_);
    watchStop_ = false;
  }
  watcher_ = std::thread([this, interval] {
    std::unique_lock lock(watchMutex_);
    while (!watchWake_.wait_for(lock, interval, [this] { return watchStop_; })) {
      lock.unlock();
      reloadChanged();
      lock.lock();
    }
  });
}

void CertificateReloader::stopWatching() {
  {
    std::lock_guard lock(watchMutex_);
    watchStop_ = true;
  }
  watchWake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace postern::tls
