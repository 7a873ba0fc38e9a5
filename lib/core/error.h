// core::Error — a failure classified as temporary (try again later: 4xx) or permanent (5xx).
//
// Owns: the classification every module reports failures with. Unknown failures are temporary
// (DESIGN.md "Errors"). Must not know: any I/O. Thread-safety: a plain value type.
#pragma once

#include <stdexcept>
#include <string>

namespace postern::core {

enum class Severity { Temporary, Permanent };

class Error : public std::runtime_error {
 public:
  Error(Severity s, const std::string& what) : std::runtime_error(what), severity_(s) {}
  Severity severity() const { return severity_; }
  bool temporary() const { return severity_ == Severity::Temporary; }

  static Error temporary(const std::string& what) { return Error(Severity::Temporary, what); }
  static Error permanent(const std::string& what) { return Error(Severity::Permanent, what); }

 private:
  Severity severity_;
};

// Out of disk space or spool unwritable: the SMTP layer answers 452 4.3.1 (RFC 3463).
class InsufficientStorage : public Error {
 public:
  explicit InsufficientStorage(const std::string& what) : Error(Severity::Temporary, what) {}
};

}  // namespace postern::core
