// core::SecretString — a std::string holding a secret (a private key's PEM, a master key's text, a password)
// whose bytes are wiped when it is destroyed, reassigned or moved from. It is the one way secrets are
// wiped: the destructor runs on every way out of a scope, exceptions included, so no code needs a
// try/catch around a cleanse call.
//
// What it cannot wipe: bytes it never held. A std::string that grew reallocated its buffer and freed the old
// one unwiped, and no one can reach those bytes afterwards. Where it matters, build the text at its final
// size (SecretString::withSize and data(), or reserve() before filling a std::string) and hand the string
// over by move: the constructor then also wipes what the moved-from string kept (a short string's bytes
// live inside the std::string object itself, and a move copies them). A copy made from str() or view()
// belongs to whoever made it.
//
// Wiping uses glibc's explicit_bzero, which the compiler may not drop as a dead store; core does not link
// OpenSSL. Must not know: where secrets come from or where they go. Thread-safety: as std::string.
#pragma once

#include <string.h>  // explicit_bzero (glibc 2.25)

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace postern::core {

class SecretString {
 public:
  SecretString() = default;
  // Takes the text over; the moved-from string is left empty and wiped. An lvalue must be moved in
  // explicitly, so a secret is never copied by accident.
  explicit SecretString(std::string&& text) noexcept : text_(std::move(text)) { wipe(text); }
  // `size` NUL bytes, allocated once, to be filled in place through data() (e.g. decrypted into).
  static SecretString withSize(std::size_t size) { return SecretString(std::string(size, '\0')); }

  SecretString(SecretString&& other) noexcept : text_(std::move(other.text_)) { wipe(other.text_); }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      clear();
      text_ = std::move(other.text_);
      wipe(other.text_);
    }
    return *this;
  }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  ~SecretString() { wipe(text_); }

  std::string_view view() const noexcept { return text_; }
  const std::string& str() const noexcept { return text_; }
  char* data() noexcept { return text_.data(); }
  std::size_t size() const noexcept { return text_.size(); }
  bool empty() const noexcept { return text_.empty(); }

  // Wipes the text and gives its buffer back; the object is then empty.
  void clear() noexcept {
    wipe(text_);
    std::string().swap(text_);
  }

 private:
  // The whole buffer, up to its capacity: bytes past the current size may be an earlier, longer value.
  static void wipe(std::string& text) noexcept {
    text.resize(text.capacity());  // within the capacity: no allocation, so nothing to throw
    explicit_bzero(text.data(), text.size());
    text.clear();
  }

  std::string text_;
};

}  // namespace postern::core
