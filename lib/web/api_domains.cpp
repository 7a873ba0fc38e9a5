#include "web/api_domains.h"

#include <Poco/JSON/Array.h>

#include <optional>
#include <string>

#include "core/error.h"
#include "web/api_support.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

using namespace postern::domains;

Poco::JSON::Array stringArray(const std::vector<std::string>& items) {
  Poco::JSON::Array out;
  for (const auto& i : items) out.add(i);
  return out;
}

Poco::Dynamic::Var policyOrNull(const std::optional<DmarcPolicy>& p) {
  if (!p) return Poco::Dynamic::Var();
  return std::string(dmarcPolicyName(*p));
}

Poco::JSON::Object settingsJson(const admin::DomainSettings& s) {
  Poco::JSON::Object dmarc(Poco::JSON_PRESERVE_KEY_ORDER);
  dmarc.set("policy", std::string(dmarcPolicyName(s.dmarc.policy)));
  dmarc.set("subdomainPolicy", policyOrNull(s.dmarc.subdomainPolicy));
  dmarc.set("percent", s.dmarc.percent);
  dmarc.set("rua", stringArray(s.dmarc.aggregateReports));
  dmarc.set("ruf", stringArray(s.dmarc.failureReports));
  dmarc.set("adkim", s.dmarc.dkimAlignment == DmarcAlignment::Strict ? "s" : "r");
  dmarc.set("aspf", s.dmarc.spfAlignment == DmarcAlignment::Strict ? "s" : "r");
  Poco::JSON::Object spf(Poco::JSON_PRESERVE_KEY_ORDER);
  spf.set("all", s.spf.all == SpfAll::SoftFail ? "~all" : "-all");
  spf.set("extra", stringArray(s.spf.extra));
  Poco::JSON::Object sts(Poco::JSON_PRESERVE_KEY_ORDER);
  sts.set("mode", std::string(stsModeName(s.mtaSts.policy.mode)));
  sts.set("mx", stringArray(s.mtaSts.policy.mx));
  sts.set("maxAge", static_cast<Poco::Int64>(s.mtaSts.policy.maxAge.count()));
  sts.set("tlsRptRua", stringArray(s.mtaSts.tlsRptRua));
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("dmarc", dmarc);
  out.set("spf", spf);
  out.set("mtaSts", sts);
  return out;
}

Poco::JSON::Object recordJson(const admin::RecordView& r) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("kind", std::string(admin::recordKindName(r.kind)));
  out.set("name", r.name);
  out.set("type", "TXT");
  out.set("value", r.value);
  out.set("strings", stringArray(r.strings));
  out.set("why", r.why);
  if (r.kind == admin::RecordKind::Dkim) {
    out.set("selector", r.selector);
    out.set("keyState", r.keyState);
  }
  if (r.kind == admin::RecordKind::Spf && r.lookups) out.set("lookups", *r.lookups);
  Poco::JSON::Object check(Poco::JSON_PRESERVE_KEY_ORDER);
  check.set("status", r.check.status);
  check.set("advice", r.check.advice);
  check.set("difference", r.check.difference);
  check.set("published", stringArray(r.check.published));
  Poco::JSON::Array warnings;
  for (const auto& w : r.check.warnings) {
    Poco::JSON::Object warning(Poco::JSON_PRESERVE_KEY_ORDER);
    warning.set("finding", w.finding);
    warning.set("advice", w.advice);
    warnings.add(warning);
  }
  check.set("warnings", warnings);
  check.set("checkedAt", isoTimeOrNull(r.check.checkedAt));
  out.set("check", check);
  return out;
}

Poco::JSON::Object domainJson(const admin::DomainView& v) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("domain", v.domain);
  out.set("sources", stringArray(v.sources));
  out.set("settings", settingsJson(v.settings));
  Poco::JSON::Array records;
  for (const auto& r : v.records) records.add(recordJson(r));
  out.set("records", records);
  if (v.mtaStsPolicy) {
    Poco::JSON::Object policy(Poco::JSON_PRESERVE_KEY_ORDER);
    policy.set("host", v.mtaStsPolicy->host);
    policy.set("url", v.mtaStsPolicy->url);
    policy.set("text", v.mtaStsPolicy->text);
    policy.set("id", v.mtaStsPolicy->id);
    out.set("mtaStsPolicy", policy);
  } else {
    out.set("mtaStsPolicy", Poco::Dynamic::Var());
  }
  out.set("lastCheck", isoTimeOrNull(v.lastCheck));
  return out;
}

// Field errors inside a group name the group too ("dmarc.percent").
template <typename Body>
auto inGroup(const std::string& group, Body body) {
  try {
    return body();
  } catch (const HttpError& e) {
    throw HttpError(e.status(), e.code(), e.what(), e.field().empty() ? group : group + "." + e.field());
  }
}

DmarcPolicy requirePolicy(const std::string& text, const std::string& field) {
  if (text == "none") return DmarcPolicy::None;
  if (text == "quarantine") return DmarcPolicy::Quarantine;
  if (text == "reject") return DmarcPolicy::Reject;
  throw core::InvalidValue(field, "the policy must be none, quarantine or reject");
}

DmarcAlignment requireAlignment(const std::optional<std::string>& text, const std::string& field) {
  if (!text || *text == "r") return DmarcAlignment::Relaxed;
  if (*text == "s") return DmarcAlignment::Strict;
  throw core::InvalidValue(field, "the alignment must be \"r\" (relaxed) or \"s\" (strict)");
}

DmarcSettings dmarcOf(const JsonBody& b) {
  return inGroup("dmarc", [&] {
    b.allowOnly({"policy", "subdomainPolicy", "percent", "rua", "ruf", "adkim", "aspf"});
    DmarcSettings s;
    s.policy = requirePolicy(b.requiredString("policy"), "dmarc.policy");
    if (const auto sp = b.optionalString("subdomainPolicy"))
      s.subdomainPolicy = requirePolicy(*sp, "dmarc.subdomainPolicy");
    const auto percent = b.optionalInteger("percent").value_or(100);
    if (percent < 0 || percent > 100) throw core::InvalidValue("dmarc.percent", "percent must be 0 to 100");
    s.percent = static_cast<int>(percent);
    s.aggregateReports = b.optionalStringList("rua").value_or(std::vector<std::string>{});
    s.failureReports = b.optionalStringList("ruf").value_or(std::vector<std::string>{});
    s.dkimAlignment = requireAlignment(b.optionalString("adkim"), "dmarc.adkim");
    s.spfAlignment = requireAlignment(b.optionalString("aspf"), "dmarc.aspf");
    return s;
  });
}

admin::SpfSettings spfOf(const JsonBody& b) {
  return inGroup("spf", [&] {
    b.allowOnly({"all", "extra"});
    admin::SpfSettings s;
    const auto all = b.optionalString("all").value_or("-all");
    if (all != "-all" && all != "~all")
      throw core::InvalidValue("spf.all", "all must be \"-all\" or \"~all\"");
    s.all = all == "~all" ? SpfAll::SoftFail : SpfAll::Fail;
    s.extra = b.optionalStringList("extra").value_or(std::vector<std::string>{});
    return s;
  });
}

admin::MtaStsSettings mtaStsOf(const JsonBody& b) {
  return inGroup("mtaSts", [&] {
    b.allowOnly({"mode", "mx", "maxAge", "tlsRptRua"});
    admin::MtaStsSettings s;
    const auto mode = b.requiredString("mode");
    if (mode == "none")
      s.policy.mode = StsMode::None;
    else if (mode == "testing")
      s.policy.mode = StsMode::Testing;
    else if (mode == "enforce")
      s.policy.mode = StsMode::Enforce;
    else
      throw core::InvalidValue("mtaSts.mode", "the mode must be none, testing or enforce");
    s.policy.mx = b.optionalStringList("mx").value_or(std::vector<std::string>{});
    const auto maxAge = b.optionalInteger("maxAge").value_or(604800);
    if (maxAge < 0 || maxAge > 31557600)
      throw core::InvalidValue("mtaSts.maxAge", "maxAge must be 0 to 31557600 seconds");
    s.policy.maxAge = std::chrono::seconds(maxAge);
    s.tlsRptRua = b.optionalStringList("tlsRptRua").value_or(std::vector<std::string>{});
    return s;
  });
}

admin::DomainView requireDomain(ApiServices& services, const std::string& name) {
  auto view = services.domains.show(name);
  if (!view) throw core::NotFound("no domain " + name);
  return std::move(*view);
}

}  // namespace

void addDomainRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/domains", guard.read([&services](RequestContext& context) {
    Poco::JSON::Array items;
    for (const auto& d : services.domains.list()) {
      Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
      item.set("domain", d.domain);
      item.set("sources", stringArray(d.sources));
      item.set("lastCheck", isoTimeOrNull(d.lastCheck));
      item.set("problems", d.problems);
      items.add(item);
    }
    context.sendJson(200, itemsAnswer(items));
  }));

  router.add(Method::Post, "/api/v1/domains",
             guard.change("domain.add", [&services](RequestContext& context) {
               const JsonBody body = context.json();
               body.allowOnly({"domain"});
               const std::string domain = body.requiredString("domain");
               context.auditObject = domain;
               context.sendJson(201, domainJson(services.domains.add(domain)));
             }));

  router.add(Method::Get, "/api/v1/domains/{domain}", guard.read([&services](RequestContext& context) {
    context.sendJson(200, domainJson(requireDomain(services, context.param("domain"))));
  }));

  router.add(Method::Patch, "/api/v1/domains/{domain}",
             guard.change("domain.change", [&services](RequestContext& context) {
               const std::string& domain = context.param("domain");
               context.auditObject = domain;
               const JsonBody body = context.json();
               body.allowOnly({"dmarc", "spf", "mtaSts"});
               admin::DomainChange change;
               if (const auto b = body.optionalObject("dmarc")) change.dmarc = dmarcOf(*b);
               if (const auto b = body.optionalObject("spf")) change.spf = spfOf(*b);
               if (const auto b = body.optionalObject("mtaSts")) change.mtaSts = mtaStsOf(*b);
               context.sendJson(200, domainJson(services.domains.change(domain, change)));
             }));

  router.add(Method::Delete, "/api/v1/domains/{domain}",
             guard.change("domain.remove", [&services](RequestContext& context) {
               context.auditObject = context.param("domain");
               services.domains.remove(context.param("domain"));
               context.sendNoContent();
             }));

  router.add(Method::Post, "/api/v1/domains/{domain}/check",
             guard.change("domain.check", [&services](RequestContext& context) {
               context.auditObject = context.param("domain");
               context.sendJson(200, domainJson(services.domains.check(context.param("domain"))));
             }));
}

}  // namespace postern::web
