// core::Error — a failure classified as temporary (try again later: 4xx) or permanent (5xx).
//
// Owns: the classification every module reports failures with, and the domain errors every layer
// maps to an answer (not found, already exists, conflict, invalid value) without knowing which store raised
// them. Unknown failures are temporary (DESIGN.md "Errors"). Must not know: any I/O. Thread-safety: a plain
// value type.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

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

// The named thing (a user, a sender pattern, a DKIM key, a route) does not exist. Message: "no such user: x".
class NotFound : public Error {
 public:
  explicit NotFound(const std::string& what) : Error(Severity::Permanent, what) {}
};

// The thing to create exists already. Message: "user already exists: x".
class AlreadyExists : public Error {
 public:
  explicit AlreadyExists(const std::string& what) : Error(Severity::Permanent, what) {}
};

// The request is well formed but the current state forbids it (disabling or removing the last enabled
// administrator, deleting an active key without force). Message: says what stands in the way.
class Conflict : public Error {
 public:
  explicit Conflict(const std::string& what) : Error(Severity::Permanent, what) {}
};

// An argument is not acceptable (a login that is no e-mail address, a malformed sender pattern, a weak
// password). field() names the argument when the thrower knows it ("login", "password"), so that a caller
// can point at the input to correct; the message is worded for the person who typed it.
class InvalidValue : public Error {
 public:
  explicit InvalidValue(const std::string& what) : Error(Severity::Permanent, what) {}
  InvalidValue(std::string field, const std::string& what)
      : Error(Severity::Permanent, what), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Out of disk space or spool unwritable: the SMTP layer answers 452 4.3.1 (RFC 3463).
class InsufficientStorage : public Error {
 public:
  explicit InsufficientStorage(const std::string& what) : Error(Severity::Temporary, what) {}
};

}  // namespace postern::core
