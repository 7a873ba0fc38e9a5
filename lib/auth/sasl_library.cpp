#include "auth/sasl_library.h"

#include <sasl/saslplug.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <sstream>

#include "auth/sasl_callback.h"
#include "core/c_handle.h"
#include "core/error.h"
#include "core/text.h"

namespace postern::auth {

namespace {
std::atomic<bool> g_alive{false};

constexpr const char* kMechanisms = "PLAIN LOGIN";
char kNullPluginName[] = "posternnull";

// ---- sasl_set_mutex: the library's default mutexes do nothing. -------------------------------------------
void* mutexAlloc() { return new (std::nothrow) std::mutex; }
int mutexLock(void* m) {
  static_cast<std::mutex*>(m)->lock();
  return SASL_OK;
}
int mutexUnlock(void* m) {
  static_cast<std::mutex*>(m)->unlock();
  return SASL_OK;
}
void mutexFree(void* m) { delete static_cast<std::mutex*>(m); }

// ---- The auxprop plugin that knows no properties: the only password verifier left after our
// checkpass callback says no, so a failure stays SASL_NOUSER without touching any file.
// ----------------------
int nullLookup(void*, sasl_server_params_t*, unsigned, const char*, unsigned) { return SASL_OK; }

sasl_auxprop_plug_t g_nullPlugin = {
    0,                // features
    0,                // spare_int1
    nullptr,          // glob_context
    nullptr,          // auxprop_free
    nullLookup,       // auxprop_lookup
    kNullPluginName,  // name
    nullptr,          // auxprop_store
};

int nullPluginInit(const sasl_utils_t*, int maxVersion, int* outVersion, sasl_auxprop_plug_t** plug,
                   const char*) {
  if (maxVersion < SASL_AUXPROP_PLUG_VERSION) return SASL_BADVERS;
  *outVersion = SASL_AUXPROP_PLUG_VERSION;
  *plug = &g_nullPlugin;
  return SASL_OK;
}

void disposeConnection(sasl_conn_t* conn) { sasl_dispose(&conn); }
using Connection = core::CHandle<sasl_conn_t, disposeConnection>;

}  // namespace

int SaslLibrary::onGetOption(void*, const char*, const char* option, const char** result, unsigned* length) {
  const char* value = nullptr;
  if (std::strcmp(option, "mech_list") == 0)
    value = kMechanisms;
  else if (std::strcmp(option, "pwcheck_method") == 0)
    value = "auxprop";
  else if (std::strcmp(option, "auxprop_plugin") == 0)
    value = kNullPluginName;
  if (!value) return SASL_FAIL;  // "not set": the library uses its default
  *result = value;
  if (length) *length = static_cast<unsigned>(std::strlen(value));
  return SASL_OK;
}

int SaslLibrary::onLog(void* context, int level, const char* message) {
  // Every level arrives here unfiltered (NOTES-platform §4); PASS may hold a password.
  if (level > SASL_LOG_NOTE || level == SASL_LOG_NONE || !message) return SASL_OK;
  auto* self = static_cast<SaslLibrary*>(context);
  if (!self->log_) return SASL_OK;
  const LogLevel mapped = level == SASL_LOG_ERR    ? LogLevel::Error
                          : level == SASL_LOG_WARN ? LogLevel::Warning
                                                   : LogLevel::Info;
  try {
    self->log_(mapped, message);
  } catch (...) {
    // An exception must not unwind through libsasl's C frames.
  }
  return SASL_OK;
}

SaslLibrary::SaslLibrary(LogFunction log, std::string appName)
    : log_(std::move(log)), appName_(std::move(appName)) {
  if (g_alive.exchange(true))
    throw core::Error::permanent("Cyrus SASL is already initialised in this process");
  callbacks_[0] = saslCallback(SASL_CB_GETOPT, &SaslLibrary::onGetOption, this);
  callbacks_[1] = saslCallback(SASL_CB_LOG, &SaslLibrary::onLog, this);
  callbacks_[2] = {SASL_CB_LIST_END, nullptr, nullptr};

  sasl_set_mutex(mutexAlloc, mutexLock, mutexUnlock, mutexFree);
  int rc = sasl_server_init(callbacks_, appName_.c_str());
  if (rc == SASL_OK) rc = sasl_auxprop_add_plugin(kNullPluginName, nullPluginInit);
  if (rc != SASL_OK) {
    sasl_server_done();
    g_alive = false;
    throw core::Error::permanent(std::string("Cyrus SASL initialisation failed: ") +
                                 sasl_errstring(rc, nullptr, nullptr));
  }
  try {
    mechanisms_ = probeMechanisms();
  } catch (...) {
    sasl_server_done();
    g_alive = false;
    throw;
  }
}

SaslLibrary::~SaslLibrary() {
  sasl_server_done();
  g_alive = false;
}

std::vector<std::string> SaslLibrary::probeMechanisms() {
  sasl_conn_t* raw = nullptr;
  const int rc = sasl_server_new("smtp", "localhost", nullptr, nullptr, nullptr, nullptr, 0, &raw);
  Connection conn(raw);
  if (rc != SASL_OK)
    throw core::Error::permanent(std::string("Cyrus SASL cannot create a connection: ") +
                                 sasl_errstring(rc, nullptr, nullptr));
  const char* list = nullptr;
  unsigned length = 0;
  int count = 0;
  std::vector<std::string> found;
  if (sasl_listmech(conn.get(), nullptr, "", " ", "", &list, &length, &count) == SASL_OK && list) {
    std::istringstream words(std::string(list, length));
    for (std::string w; words >> w;) found.push_back(w);
  }
  for (const char* needed : {"PLAIN", "LOGIN"}) {
    if (std::find(found.begin(), found.end(), needed) == found.end())
      throw core::Error::permanent(std::string("Cyrus SASL offers no ") + needed + " mechanism (found: '" +
                                   core::join(found, " ") +
                                   "'): install libsasl2-modules, or check SASL_PATH");
  }
  return found;
}

}  // namespace postern::auth
