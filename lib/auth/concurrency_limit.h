// auth::ConcurrencyLimit — a counting limit: at most N holders at once, further callers block until a
// Permit is released. PasswordHasher uses it because every Argon2 run allocates its full memory cost
// (19 MiB by default; NOTES-platform §5), so unbounded parallel logins could exhaust memory.
//
// Must not know: what is being limited. Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace postern::auth {

class ConcurrencyLimit {
 public:
  class Permit {
   public:
    explicit Permit(ConcurrencyLimit& limit) : limit_(&limit) { limit_->enter(); }
    Permit(Permit&& other) noexcept : limit_(other.limit_) { other.limit_ = nullptr; }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
      if (limit_) limit_->leave();
    }

   private:
    ConcurrencyLimit* limit_;
  };

  explicit ConcurrencyLimit(unsigned limit) : limit_(limit) {
    if (limit == 0) throw std::invalid_argument("auth::ConcurrencyLimit: limit must be at least 1");
  }

  // Blocks while the limit is reached.
  Permit acquire() { return Permit(*this); }
  unsigned limit() const { return limit_; }
  unsigned inUse() const {
    std::lock_guard lock(mutex_);
    return inUse_;
  }

 private:
  void enter() {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return inUse_ < limit_; });
    ++inUse_;
  }
  void leave() {
    {
      std::lock_guard lock(mutex_);
      --inUse_;
    }
    released_.notify_one();
  }

  const unsigned limit_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  unsigned inUse_ = 0;
};

}  // namespace postern::auth
