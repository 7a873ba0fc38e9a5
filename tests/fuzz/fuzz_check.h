// What every harness shares: a property check that stops the fuzzer with a readable message (libFuzzer
// then saves the input as a crash), and a cursor that splits one fuzz input into several values.
//
// Must not know: any Postern module. Thread-safety: one harness run at a time (libFuzzer's model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace postern::fuzz {

// A property that failed is a finding like a crash: print what broke, then abort so libFuzzer keeps the
// input (crash-<sha1>) and a regression test can be written from it.
[[noreturn]] inline void fail(const char* file, int line, const char* what, std::string_view detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n", file, line, what);
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                                             \
  do {                                                                       \
    if (!(cond)) ::postern::fuzz::fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (false)

// Reads a fuzz input front to back: single bytes for choices, length-prefixed pieces for strings, and
// whatever is left as the final piece.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : s_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return s_.empty(); }
  std::uint8_t byte() {
    if (s_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(s_.front());
    s_.remove_prefix(1);
    return b;
  }
  // Up to the next occurrence of separator (consumed), or the rest.
  std::string_view until(char separator) {
    const std::size_t at = s_.find(separator);
    const std::string_view piece = s_.substr(0, at);
    s_.remove_prefix(at == std::string_view::npos ? s_.size() : at + 1);
    return piece;
  }
  std::string_view rest() {
    const std::string_view piece = s_;
    s_ = {};
    return piece;
  }

 private:
  std::string_view s_;
};

// Visible form of bytes for a failure message.
inline std::string escaped(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

}  // namespace postern::fuzz
