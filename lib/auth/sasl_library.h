// auth::SaslLibrary — Cyrus SASL (libsasl2) set up once for the process, the way Postern needs it
// (NOTES-platform §4):
//  - real mutexes (sasl_set_mutex) before sasl_server_init: the library is thread-safe only with them;
//  - options from a callback, never from a file: mech_list "PLAIN LOGIN", pwcheck_method "auxprop" and
//    auxprop_plugin "posternnull", a built-in auxprop plugin that finds nothing. Without it a failed
//    password check falls back to the sasldb plugin, which opens /etc/sasldb2 on every attempt, and a
//    missing plugin name turns wrong passwords into SASL_NOMECH;
//  - library log messages up to SASL_LOG_NOTE forwarded to the log function (DEBUG, TRACE and PASS
//    levels are dropped: PASS can contain passwords);
//  - sasl_listmech checked at start: PLAIN and LOGIN live in libsasl2-modules, which is only a
//    Recommends of libsasl2-2; without it every AUTH would fail, so construction fails instead.
// The password check itself is per connection (auth::SaslSession installs it).
//
// Only one SaslLibrary may exist at a time, created before any SaslSession and destroyed after the last
// (sasl_server_done). Construct it on the main thread before the server starts its threads.
// Must not know: SMTP replies, sockets, the store. Thread-safety: after construction its methods are
// thread-safe; the log function is called from session threads and must be thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sasl/sasl.h>

namespace postern::auth {

class SaslLibrary {
 public:
  enum class LogLevel { Error, Warning, Info };
  using LogFunction = std::function<void(LogLevel, std::string_view message)>;

  // Throws core::Error (permanent) when another SaslLibrary exists, when sasl_server_init fails, or when
  // PLAIN or LOGIN is unavailable.
  explicit SaslLibrary(LogFunction log = {}, std::string appName = "postern");
  ~SaslLibrary();
  SaslLibrary(const SaslLibrary&) = delete;
  SaslLibrary& operator=(const SaslLibrary&) = delete;

  // The mechanisms Postern offers once TLS is up (upper case).
  const std::vector<std::string>& mechanisms() const { return mechanisms_; }

 private:
  static int onGetOption(void* context, const char* pluginName, const char* option, const char** result,
                         unsigned* length);
  static int onLog(void* context, int level, const char* message);
  std::vector<std::string> probeMechanisms();

  LogFunction log_;
  const std::string appName_;
  sasl_callback_t callbacks_[3];
  std::vector<std::string> mechanisms_;
};

}  // namespace postern::auth
