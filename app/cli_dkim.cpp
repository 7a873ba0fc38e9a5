// `postern dkim ...`: DKIM key administration from the command line, through the same dkim::KeyAdmin the
// web UI will use. Private keys never reach the terminal or the log; the master key is created (0600) by
// the first command that seals a key (generate, import). Stored names are printed through core::printable().
#include <algorithm>
#include <charconv>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/cli.h"
#include "app/cli_support.h"
#include "app/dkim_signer.h"
#include "app/privileges.h"
#include "app/secrets.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"
#include "dkim/key_admin.h"
#include "fs/file_io.h"
#include "store/database.h"
#include "store/migration_runner.h"

namespace postern::app {

namespace {

constexpr const char* kDkimUsage =
    "usage: postern dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519] [--bits 2048|3072|4096]\n"
    "       postern dkim import DOMAIN SELECTOR FILE.pem\n"
    "       postern dkim list [DOMAIN]\n"
    "       postern dkim activate DOMAIN SELECTOR\n"
    "       postern dkim retire DOMAIN SELECTOR\n"
    "       postern dkim delete DOMAIN SELECTOR [--force]\n"
    "       postern dkim dns DOMAIN [SELECTOR]\n";

struct UsageError {};

using core::printable;

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg), keys(database), admin(keys, [&cfg] { return openVault(cfg, true); }) {}
  store::DkimKeyRepository keys;
  dkim::KeyAdmin admin;
};

std::string describeKey(const store::DkimKeyRecord& k) {
  return k.algorithm + (k.algorithm == "rsa" ? "-" + std::to_string(k.bits) : "");
}

// Options after the positional arguments: --name VALUE or --name=VALUE; flags listed in `flags`.
struct Parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
};

Parsed parse(const std::vector<std::string>& args, const std::vector<std::string>& valued,
             const std::vector<std::string>& flags) {
  Parsed p;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.starts_with("--")) {
      p.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    const bool inlineValue = name.find('=') != std::string::npos;
    if (inlineValue) {
      value = name.substr(name.find('=') + 1);
      name = name.substr(0, name.find('='));
    }
    if (std::find(flags.begin(), flags.end(), name) != flags.end() && !inlineValue) {
      p.options[name] = "";
    } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (!inlineValue) {
        if (++i == args.size()) throw UsageError{};
        value = args[i];
      }
      p.options[name] = value;
    } else {
      throw UsageError{};
    }
  }
  return p;
}

void printRecords(dkim::KeyAdmin& admin, const std::string& domain, std::optional<std::string> selector) {
  for (const auto& line : admin.dnsRecords(domain, selector)) std::cout << printable(line) << "\n";
}

int run(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  if (verb == "generate") {
    const auto p = parse(args, {"selector", "algorithm", "bits"}, {});
    if (p.positional.size() != 1) throw UsageError{};
    dkim::KeyAlgorithm algorithm = dkim::KeyAlgorithm::Rsa;
    if (auto it = p.options.find("algorithm"); it != p.options.end()) {
      const auto a = dkim::keyAlgorithmFromName(it->second);
      if (!a) {
        std::cerr << "postern: --algorithm must be rsa or ed25519\n";
        return kExitUsage;
      }
      algorithm = *a;
    }
    // The size rules (RSA only; 2048, 3072 or 4096) are dkim::KeyAdmin's; here only "is it a number".
    std::optional<int> bits;
    if (auto it = p.options.find("bits"); it != p.options.end()) {
      int value = 0;
      const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
      if (ec != std::errc() || end != it->second.data() + it->second.size()) {
        std::cerr << "postern: --bits must be a number of bits (2048, 3072 or 4096)\n";
        return kExitUsage;
      }
      bits = value;
    }
    std::optional<std::string> selector;
    if (auto it = p.options.find("selector"); it != p.options.end()) selector = it->second;
    Store s(cfg);
    const auto key = s.admin.generate(p.positional[0], algorithm, bits, selector);
    std::cout << "generated " << describeKey(key) << " key " << printable(key.domain) << " selector "
              << printable(key.selector) << " (pending)\n"
              << "Publish this TXT record, then run: postern dkim activate " << printable(key.domain) << " "
              << printable(key.selector) << "\n";
    printRecords(s.admin, key.domain, key.selector);
    return kExitOk;
  }
  if (verb == "import") {
    const auto p = parse(args, {}, {});
    if (p.positional.size() != 3) throw UsageError{};
    const core::SecretString pem(fs::readFile(p.positional[2]));  // wiped however the import ends
    Store s(cfg);
    const store::DkimKeyRecord key = s.admin.import(p.positional[0], p.positional[1], pem.view());
    std::cout << "imported " << describeKey(key) << " key " << printable(key.domain) << " selector "
              << printable(key.selector) << " (pending)\n"
              << "Publish this TXT record, then run: postern dkim activate " << printable(key.domain) << " "
              << printable(key.selector) << "\n";
    printRecords(s.admin, key.domain, key.selector);
    return kExitOk;
  }
  if (verb == "list") {
    const auto p = parse(args, {}, {});
    if (p.positional.size() > 1) throw UsageError{};
    Store s(cfg);
    const auto keys = p.positional.empty() ? s.admin.list() : s.admin.list(p.positional[0]);
    for (const auto& k : keys)
      std::cout << printable(k.domain) << "\t" << printable(k.selector) << "\t" << describeKey(k) << "\t"
                << store::dkimKeyStateName(k.state) << "\tcreated " << utcTime(k.createdAt) << "\n";
    return kExitOk;
  }
  if (verb == "activate" || verb == "retire" || verb == "delete") {
    const auto p =
        parse(args, {}, verb == "delete" ? std::vector<std::string>{"force"} : std::vector<std::string>{});
    if (p.positional.size() != 2) throw UsageError{};
    const std::string& domain = p.positional[0];
    const std::string& selector = p.positional[1];
    Store s(cfg);
    if (verb == "activate") {
      const auto previous = s.admin.activate(domain, selector);
      std::cout << "activated " << printable(domain) << " " << printable(selector);
      if (previous)
        std::cout << " (retired " << printable(*previous)
                  << ": keep its TXT record published for a few days)";
      std::cout << "\n";
    } else if (verb == "retire") {
      s.admin.retire(domain, selector);
      std::cout << "retired " << printable(domain) << " " << printable(selector) << "\n";
    } else {
      const auto removed = s.admin.remove(domain, selector, p.options.count("force") > 0);
      std::cout << "deleted " << printable(removed.domain) << " " << printable(removed.selector)
                << " (its TXT record " << printable(removed.selector) << "._domainkey."
                << printable(removed.domain) << " can be removed from DNS)\n";
    }
    return kExitOk;
  }
  if (verb == "dns") {
    const auto p = parse(args, {}, {});
    if (p.positional.empty() || p.positional.size() > 2) throw UsageError{};
    Store s(cfg);
    printRecords(s.admin, p.positional[0],
                 p.positional.size() == 2 ? std::optional<std::string>(p.positional[1]) : std::nullopt);
    return kExitOk;
  }
  throw UsageError{};
}

}  // namespace

int runDkimCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  try {
    return run(cfg, args);
  } catch (const UsageError&) {
    std::cerr << kDkimUsage;
    return kExitUsage;
  } catch (const core::InvalidValue& e) {
    // A refused option value (--bits) is a usage error, as before the rule moved into dkim::KeyAdmin.
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return e.field() == "bits" ? kExitUsage : kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
