#include "config/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/keys.h"

extern char** environ;

namespace postern::config {

namespace {

// The properties file with its keys exactly as written: Poco keeps the iteration protected.
class PropertyFile : public Poco::Util::PropertyFileConfiguration {
 public:
  explicit PropertyFile(const std::string& path) : Poco::Util::PropertyFileConfiguration(path) {}
  using Poco::Util::MapConfiguration::begin;
  using Poco::Util::MapConfiguration::end;
};

const KeyDef* findKey(const std::string& name) {
  for (const auto& def : keyTable())
    if (def.name == name) return &def;
  return nullptr;
}

// The value of a secret from the file that POSTERN_<KEY>_FILE names: container secrets arrive as files
// (compose and Kubernetes mount them), and a value in a file stays out of `docker inspect` and /proc/PID/
// environ. One trailing newline ("\n" or "\r\n", an editor's last line) is not part of the secret.
std::optional<std::string> readSecretFile(const std::string& path, std::string& error) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    error = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot be read";
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    error = "cannot be read";
    return std::nullopt;
  }
  std::string value = content.str();
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
  }
  return value;
}

// Cross-key rules that a single key's parser cannot see.
void validateTogether(const Config& c, std::vector<std::string>& errors) {
  if (c.tls.certificate.empty() != c.tls.privateKey.empty())
    errors.push_back("tls.certificate and tls.private_key: set both or neither");
  if (c.admin.tls.certificate.empty() != c.admin.tls.privateKey.empty())
    errors.push_back("admin.tls.certificate and admin.tls.private_key: set both or neither");
  if (c.publicSite.tls.certificate.empty() != c.publicSite.tls.privateKey.empty())
    errors.push_back("public.tls.certificate and public.tls.private_key: set both or neither");
  if (c.admin.sessionIdleTimeout > c.admin.sessionLifetime)
    errors.push_back("admin.session.idle_timeout must not be longer than admin.session.lifetime");
  if (c.auth.argon2MemoryKiB < 8 * c.auth.argon2Parallelism)
    errors.push_back(
        "auth.argon2.memory_kib must be at least 8 KiB per lane of auth.argon2.parallelism (RFC 9106)");
  if (c.relay.username.empty() != c.relay.password.empty())
    errors.push_back("relay.username and relay.password: set both or neither");
  if (!c.relay.username.empty() && c.relay.tls == Config::RelayTls::None)
    errors.push_back("relay.username: credentials are only sent over TLS; relay.tls = none cannot use them");
  if (c.auth.banMaxTime < c.auth.banTime)
    errors.push_back("auth.ban_max_time must be at least auth.ban_time");
  if (c.queue.retrySchedule.empty()) errors.push_back("queue.retry_schedule must list at least one delay");
  if (c.submission.empty() && c.submissions.empty() && c.alternate.empty())
    errors.push_back(
        "listen.*: at least one of listen.submission, listen.submissions, listen.alternate is needed");
}

}  // namespace

std::vector<core::IpNetwork> defaultAdminNetworks() {
  std::vector<core::IpNetwork> list;
  for (const char* text : {"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                           "fc00::/7", "fe80::/10", "169.254.0.0/16"})
    list.push_back(*core::IpNetwork::parse(text));
  return list;
}

std::string ListenAddress::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<std::chrono::seconds> parseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string digits = text;
  long long unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    case 'd':
      unit = 86400;
      digits.pop_back();
      break;
    default:
      break;
  }
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  long long n = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return std::chrono::seconds(n * unit);
}

std::string formatDuration(std::chrono::seconds value) {
  const long long s = value.count();
  if (s == 0) return "0";
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

std::string environmentName(const std::string& key) {
  std::string out = "POSTERN_";
  for (char ch : key)
    out += (ch == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::map<std::string, std::string> environmentMap() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

LoadResult load(const std::string& path, const std::map<std::string, std::string>& env) {
  LoadResult result;
  auto apply = [&](const std::string& key, const std::string& value, const std::string& source) {
    const KeyDef* def = findKey(key);
    if (!def) {
      result.errors.push_back(source + ": unknown key '" + key + "'");
      return;
    }
    if (auto error = def->parse(result.config, value))
      result.errors.push_back(source + ": " + key + " " + *error);
  };

  if (!path.empty()) {
    std::ifstream probe(path);
    if (!probe) {
      result.errors.push_back(path + ": cannot be read");
    } else {
      try {
        Poco::AutoPtr<PropertyFile> file(new PropertyFile(path));
        // Every key exactly as written. (Walking Poco's key tree instead recursed without end on a key with
        // an empty part, ".x" or "a..b": a stack overflow on a typo.)
        for (const auto& [key, value] : *file) apply(key, value, path);
      } catch (const Poco::Exception& e) {
        result.errors.push_back(path + ": " + e.displayText());
      }
    }
  }

  // Environment variables override the file. Unknown POSTERN_* names are errors too, so a typo in a
  // container definition does not silently fall back to a default.
  std::set<std::string> known;
  for (const auto& def : keyTable()) known.insert(environmentName(def.name));
  for (const auto& def : keyTable()) {
    const auto it = env.find(environmentName(def.name));
    // A secret may come from a file instead: POSTERN_<KEY>_FILE. Where that name is a setting of its own
    // (secrets.master_key_file), the setting already means that and keeps its meaning.
    const std::string fileVariable = environmentName(def.name) + "_FILE";
    const auto file = def.secret && !known.count(fileVariable) ? env.find(fileVariable) : env.end();
    if (file != env.end()) {
      known.insert(fileVariable);
      if (it != env.end()) {
        result.errors.push_back("environment " + fileVariable + ": " + it->first +
                                " is set too; set one of them");
        continue;
      }
      std::string error;
      if (const auto value = readSecretFile(file->second, error))
        apply(def.name, *value, "environment " + fileVariable + " (" + file->second + ")");
      else
        result.errors.push_back("environment " + fileVariable + ": " + file->second + " " + error);
      continue;
    }
    if (it != env.end()) apply(def.name, it->second, "environment " + it->first);
  }
  // Read elsewhere: the configuration file's name, and the first administrator's password (a one-time
  // input of the server's start, never a setting to show in check-config).
  const std::set<std::string> notSettings{"POSTERN_CONFIG", "POSTERN_ADMIN_PASSWORD",
                                          "POSTERN_ADMIN_PASSWORD_FILE"};
  for (const auto& [name, value] : env) {
    if (name.rfind("POSTERN_", 0) == 0 && !known.count(name) && !notSettings.count(name))
      result.errors.push_back("environment " + name + ": unknown setting");
  }

  validateTogether(result.config, result.errors);
  return result;
}

std::string describe(const Config& config) {
  std::ostringstream out;
  for (const auto& def : keyTable()) {
    const std::string value = def.print(config);
    out << def.name << " = " << (def.secret && !value.empty() ? "********" : value) << "\n";
  }
  return out.str();
}

std::string sampleFile() {
  std::ostringstream out;
  out << "# Postern configuration. Every key is shown with its default; uncomment to change.\n"
         "# Any key can also be set through the environment: POSTERN_ + the key in upper case with '.' as "
         "'_'\n"
         "# (e.g. POSTERN_SMTP_MAX_RECIPIENTS=50). The environment wins over this file.\n"
         "# Check a configuration with: postern --config FILE --check-config\n";
  const Config defaults;
  for (const auto& def : keyTable()) {
    out << "\n";
    std::istringstream comment(def.comment);
    for (std::string line; std::getline(comment, line);) out << "# " << line << "\n";
    out << "# " << def.name << " = " << def.print(defaults) << "\n";
  }
  return out.str();
}

}  // namespace postern::config
