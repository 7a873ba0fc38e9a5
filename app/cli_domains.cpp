// `postern domain ...`: the mail domains, their DNS records and the live check, through admin::Domains, the
// service the web API uses too; this file parses arguments and prints. Text from the database and from DNS
// is printed through core::printable().
#include <iostream>

#include "admin/domains.h"
#include "app/admin_services.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "core/error.h"
#include "core/text.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"

namespace postern::app {

namespace {

constexpr const char* kDomainUsage =
    "usage: postern domain list\n"
    "       postern domain show DOMAIN\n"
    "       postern domain check [DOMAIN]\n"
    "       postern domain add DOMAIN\n"
    "       postern domain remove DOMAIN\n";

using core::printable;

struct Store : MigratedDatabase {
  explicit Store(const config::Config& cfg)
      : MigratedDatabase(cfg),
        domainStore(database),
        keys(database),
        routes(database),
        resolver(makeResolver(cfg)),
        domains(domainStore, keys, routes, *resolver) {}
  store::DomainRepository domainStore;
  store::DkimKeyRepository keys;
  store::RouteRepository routes;
  std::unique_ptr<dns::Resolver> resolver;
  admin::Domains domains;
};

void printDomain(const admin::DomainView& v) {
  std::cout << printable(v.domain) << " (" << core::join(v.sources, ", ") << ")"
            << (v.lastCheck ? ", checked " + utcTime(*v.lastCheck, true) : ", not checked yet") << "\n";
  for (const auto& r : v.records) {
    std::cout << "\n" << admin::recordKindName(r.kind);
    if (!r.selector.empty()) std::cout << " " << printable(r.selector) << " (" << r.keyState << ")";
    std::cout << ": " << printable(r.name) << " TXT\n  " << printable(r.value) << "\n  " << r.check.status;
    if (r.lookups) std::cout << ", " << *r.lookups << " DNS lookups";
    if (!r.check.advice.empty()) std::cout << ": " << printable(r.check.advice);
    std::cout << "\n";
    if (!r.check.difference.empty()) std::cout << "  difference: " << printable(r.check.difference) << "\n";
    for (const auto& w : r.check.warnings)
      std::cout << "  warning " << printable(w.finding) << ": " << printable(w.advice) << "\n";
  }
  if (v.mtaStsPolicy)
    std::cout << "\nMTA-STS policy at " << printable(v.mtaStsPolicy->url) << " (id " << v.mtaStsPolicy->id
              << ")\n";
}

int run(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "" : args[0];
  const auto p = parseOptions(args, 1, {}, {});
  if (verb == "list") {
    if (!p.positional.empty()) throw UsageError("");
    Store s(cfg);
    for (const auto& d : s.domains.list())
      std::cout << printable(d.domain) << "\t" << core::join(d.sources, ",") << "\t"
                << (d.lastCheck ? utcTime(*d.lastCheck) : std::string("unchecked")) << "\t" << d.problems
                << " problems\n";
    return kExitOk;
  }
  if (verb == "show" || verb == "add" || verb == "remove") {
    if (p.positional.size() != 1) throw UsageError("");
    Store s(cfg);
    const std::string& name = p.positional[0];
    if (verb == "remove") {
      s.domains.remove(name);
      std::cout << "removed " << printable(name) << "\n";
      return kExitOk;
    }
    const auto view = verb == "add" ? std::optional(s.domains.add(name)) : s.domains.show(name);
    if (!view) throw core::NotFound("no domain " + name);
    printDomain(*view);
    return kExitOk;
  }
  if (verb == "check") {
    if (p.positional.size() > 1) throw UsageError("");
    Store s(cfg);
    if (p.positional.size() == 1) {
      printDomain(s.domains.check(p.positional[0]));
      return kExitOk;
    }
    const auto notChecked = s.domains.checkAll();
    for (const auto& d : s.domains.list())
      std::cout << printable(d.domain) << "\t" << d.problems << " problems\n";
    return notChecked == 0 ? kExitOk : kExitFailure;
  }
  throw UsageError("");
}

}  // namespace

int runDomainCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  try {
    return run(cfg, args);
  } catch (const UsageError&) {
    std::cerr << kDomainUsage;
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
