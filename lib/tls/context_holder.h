// tls::ContextHolder / tls::ContextSource — the server context a listener hands to each new connection,
// replaceable while the listener runs (certificate renewal without a restart).
//
// A connection takes current() once, when its handshake starts, and keeps that Context::Ptr (reference
// counted) for its whole life: a reload never touches a connection in progress, and the old context is
// freed when its last connection ends. Listeners hold a ContextSource: either a holder that a
// CertificateReloader replaces, or (tests, fixed setups) one context that never changes.
//
// Owns: the pointer to the current context. Must not know: where certificates come from, SMTP, HTTP.
// Thread-safety: current() and replace() are safe from any thread.
#pragma once

#include <Poco/Net/Context.h>

#include <memory>
#include <mutex>
#include <utility>

namespace postern::tls {

class ContextHolder {
 public:
  explicit ContextHolder(Poco::Net::Context::Ptr initial) : current_(std::move(initial)) {}

  Poco::Net::Context::Ptr current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void replace(Poco::Net::Context::Ptr next) {
    std::lock_guard lock(mutex_);
    current_.swap(next);  // the old context is released with `next`, after the lock
  }

 private:
  mutable std::mutex mutex_;
  Poco::Net::Context::Ptr current_;
};

class ContextSource {
 public:
  ContextSource() = default;
  // A context that never changes (implicit, so that a listener can still be given a plain context).
  ContextSource(Poco::Net::Context::Ptr fixed)  // NOLINT(google-explicit-constructor)
      : holder_(fixed ? std::make_shared<ContextHolder>(std::move(fixed)) : nullptr) {}
  ContextSource(std::shared_ptr<const ContextHolder> holder)  // NOLINT(google-explicit-constructor)
      : holder_(std::move(holder)) {}
  ContextSource(std::shared_ptr<ContextHolder> holder)  // NOLINT(google-explicit-constructor)
      : holder_(std::move(holder)) {}

  // The context for a connection starting now; null when there is none.
  Poco::Net::Context::Ptr current() const { return holder_ ? holder_->current() : nullptr; }
  explicit operator bool() const { return holder_ != nullptr; }

 private:
  std::shared_ptr<const ContextHolder> holder_;
};

}  // namespace postern::tls
