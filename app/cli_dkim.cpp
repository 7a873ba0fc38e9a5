// `postern dkim ...`: DKIM key administration from the command line, through admin::DkimKeys, the service
// the web API uses too; this file parses arguments and prints. Private keys never reach the terminal or the
// log; the master key is created (0600) by the first command that seals a key (generate, import). Stored
// names are printed through core::printable().
#include <charconv>
#include <iostream>

#include "admin/dkim_keys.h"
#include "admin/domains.h"
#include "app/admin_services.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "app/secrets.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"
#include "dkim/keys.h"
#include "fs/file_io.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"

namespace postern::app {

namespace {

constexpr const char* kDkimUsage =
    "usage: postern dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519] [--bits 2048|3072|4096]\n"
    "       postern dkim import DOMAIN SELECTOR FILE.pem\n"
    "       postern dkim list [DOMAIN]\n"
    "       postern dkim activate DOMAIN SELECTOR [--force]\n"
    "       postern dkim retire DOMAIN SELECTOR\n"
    "       postern dkim delete DOMAIN SELECTOR [--force]\n"
    "       postern dkim dns DOMAIN [SELECTOR]\n";

using core::printable;

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg), keys(database), admin(keys, [&cfg] { return openVault(cfg, true); }) {}
  store::DkimKeyRepository keys;
  admin::DkimKeys admin;
};

std::string describeKey(const admin::DkimKeyView& k) {
  return k.algorithm + (k.algorithm == "rsa" ? "-" + std::to_string(k.bits) : "");
}

void printRecords(admin::DkimKeys& admin, const std::string& domain, std::optional<std::string> selector) {
  for (const auto& line : admin.dnsRecords(domain, selector)) std::cout << printable(line) << "\n";
}

int run(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  if (verb == "generate") {
    const auto p = parseOptions(args, 1, {"selector", "algorithm", "bits"}, {});
    if (p.positional.size() != 1) throw UsageError("");
    dkim::KeyAlgorithm algorithm = dkim::KeyAlgorithm::Rsa;
    if (const auto name = p.value("algorithm")) {
      const auto a = dkim::keyAlgorithmFromName(*name);
      if (!a) {
        std::cerr << "postern: --algorithm must be rsa or ed25519\n";
        return kExitUsage;
      }
      algorithm = *a;
    }
    // The size rules (RSA only; 2048, 3072 or 4096) are dkim::KeyAdmin's; here only "is it a number".
    std::optional<int> bits;
    if (const auto text = p.value("bits")) {
      int value = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (ec != std::errc() || end != text->data() + text->size()) {
        std::cerr << "postern: --bits must be a number of bits (2048, 3072 or 4096)\n";
        return kExitUsage;
      }
      bits = value;
    }
    Store s(cfg);
    const auto key = s.admin.generate(p.positional[0], algorithm, bits, p.value("selector"));
    std::cout << "generated " << describeKey(key) << " key " << printable(key.domain) << " selector "
              << printable(key.selector) << " (pending)\n"
              << "Publish this TXT record, then run: postern dkim activate " << printable(key.domain) << " "
              << printable(key.selector) << "\n";
    printRecords(s.admin, key.domain, key.selector);
    return kExitOk;
  }
  if (verb == "import") {
    const auto p = parseOptions(args, 1, {}, {});
    if (p.positional.size() != 3) throw UsageError("");
    const core::SecretString pem(fs::readFile(p.positional[2]));  // wiped however the import ends
    Store s(cfg);
    const auto key = s.admin.import(p.positional[0], p.positional[1], pem.view());
    std::cout << "imported " << describeKey(key) << " key " << printable(key.domain) << " selector "
              << printable(key.selector) << " (pending)\n"
              << "Publish this TXT record, then run: postern dkim activate " << printable(key.domain) << " "
              << printable(key.selector) << "\n";
    printRecords(s.admin, key.domain, key.selector);
    return kExitOk;
  }
  if (verb == "list") {
    const auto p = parseOptions(args, 1, {}, {});
    if (p.positional.size() > 1) throw UsageError("");
    Store s(cfg);
    const auto keys = p.positional.empty() ? s.admin.list() : s.admin.list(p.positional[0]);
    for (const auto& k : keys)
      std::cout << printable(k.domain) << "\t" << printable(k.selector) << "\t" << describeKey(k) << "\t"
                << k.state << "\tcreated " << utcTime(k.createdAt) << "\n";
    return kExitOk;
  }
  if (verb == "activate" || verb == "retire" || verb == "delete") {
    const auto p = parseOptions(
        args, 1, {},
        verb == "retire" ? std::vector<std::string_view>{} : std::vector<std::string_view>{"force"});
    if (p.positional.size() != 2) throw UsageError("");
    const std::string& domain = p.positional[0];
    const std::string& selector = p.positional[1];
    Store s(cfg);
    if (verb == "activate") {
      // The key's record must be published first (a signature no receiver can verify is worse than none).
      const auto resolver = makeResolver(cfg);
      store::DomainRepository domainStore(s.database);
      store::RouteRepository routes(s.database);
      admin::Domains domains(domainStore, s.keys, routes, *resolver);
      const auto previous = s.admin.activateIfPublished(
          domain, selector,
          [&](std::string_view d, std::string_view sel) { return domains.checkDkimKey(d, sel); },
          p.has("force"));
      std::cout << "activated " << printable(domain) << " " << printable(selector);
      if (previous)
        std::cout << " (retired " << printable(*previous)
                  << ": keep its TXT record published for a few days)";
      std::cout << "\n";
    } else if (verb == "retire") {
      s.admin.retire(domain, selector);
      std::cout << "retired " << printable(domain) << " " << printable(selector) << "\n";
    } else {
      const auto removed = s.admin.remove(domain, selector, p.has("force"));
      std::cout << "deleted " << printable(removed.domain) << " " << printable(removed.selector)
                << " (its TXT record " << printable(removed.selector) << "._domainkey."
                << printable(removed.domain) << " can be removed from DNS)\n";
    }
    return kExitOk;
  }
  if (verb == "dns") {
    const auto p = parseOptions(args, 1, {}, {});
    if (p.positional.empty() || p.positional.size() > 2) throw UsageError("");
    Store s(cfg);
    printRecords(s.admin, p.positional[0],
                 p.positional.size() == 2 ? std::optional<std::string>(p.positional[1]) : std::nullopt);
    return kExitOk;
  }
  throw UsageError("");
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
