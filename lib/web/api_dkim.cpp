#include "web/api_dkim.h"

#include <Poco/JSON/Array.h>

#include <optional>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "dkim/keys.h"
#include "web/api_support.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

Poco::JSON::Object keyJson(const admin::DkimKeyView& key) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("domain", key.domain);
  out.set("selector", key.selector);
  out.set("algorithm", key.algorithm);
  out.set("bits", key.bits);
  out.set("state", key.state);
  out.set("createdAt", isoTime(key.createdAt));
  out.set("activatedAt", isoTimeOrNull(key.activatedAt));
  out.set("retiredAt", isoTimeOrNull(key.retiredAt));
  out.set("dnsName", key.dnsName);
  out.set("dnsValue", key.dnsValue);
  out.set("dnsRecord", key.dnsRecord);
  return out;
}

Poco::JSON::Object keyListJson(const std::vector<admin::DkimKeyView>& keys) {
  Poco::JSON::Array items;
  for (const auto& key : keys) items.add(keyJson(key));
  return itemsAnswer(items);
}

dkim::KeyAlgorithm requireAlgorithm(const std::string& name) {
  if (const auto algorithm = dkim::keyAlgorithmFromName(name)) return *algorithm;
  throw core::InvalidValue("algorithm", "the algorithm must be \"rsa\" or \"ed25519\"");
}

std::optional<int> optionalBits(const JsonBody& body) {
  const auto bits = body.optionalInteger("bits");
  if (!bits) return std::nullopt;
  // Outside int's range it cannot be a key size; the service names the sizes it accepts.
  if (*bits < 0 || *bits > 65536) throw core::InvalidValue("bits", "bits must be 2048, 3072 or 4096");
  return static_cast<int>(*bits);
}

void answerKey(RequestContext& context, int status, const admin::DkimKeyView& key) {
  context.auditObject = key.domain + "/" + key.selector;
  context.sendJson(status, keyJson(key));
}

}  // namespace

void addDkimRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/dkim", guard.read([&services](RequestContext& context) {
    context.sendJson(200, keyListJson(services.dkimKeys.list()));
  }));

  router.add(Method::Get, "/api/v1/dkim/{domain}", guard.read([&services](RequestContext& context) {
    context.sendJson(200, keyListJson(services.dkimKeys.list(context.param("domain"))));
  }));

  // Generate and import are one resource's POST (the contract's oneOf), so they share a handler; the audit
  // action follows the request: an import names privateKeyPem.
  const auto generate = guard.change("dkim.generate", [&services](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"algorithm", "bits", "selector"});
    const std::string& domain = context.param("domain");
    context.auditObject = domain;
    const dkim::KeyAlgorithm algorithm = requireAlgorithm(body.requiredString("algorithm"));
    answerKey(
        context, 201,
        services.dkimKeys.generate(domain, algorithm, optionalBits(body), body.optionalString("selector")));
  });
  const auto import = guard.change("dkim.import", [&services](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"selector", "privateKeyPem"});
    const std::string& domain = context.param("domain");
    const std::string selector = body.requiredString("selector");
    context.auditObject = domain + "/" + selector;
    const core::SecretString pem(body.requiredString("privateKeyPem"));
    answerKey(context, 201, services.dkimKeys.import(domain, selector, pem.view()));
  });
  router.add(Method::Post, "/api/v1/dkim/{domain}", [generate, import](RequestContext& context) {
    // Peeking needs the body parsed; a body that is not JSON is refused the same way by either handler.
    bool importing = false;
    try {
      importing = context.json().has("privateKeyPem");
    } catch (const std::exception&) {
    }
    (importing ? import : generate)(context);
  });

  router.add(Method::Get, "/api/v1/dkim/{domain}/{selector}",
             guard.read([&services](RequestContext& context) {
               context.sendJson(
                   200, keyJson(services.dkimKeys.show(context.param("domain"), context.param("selector"))));
             }));

  // Activate and retire are two audit actions behind one PATCH: the state asked for picks the action.
  const auto activate = guard.change("dkim.activate", [&services](RequestContext& context) {
    const std::string& domain = context.param("domain");
    const std::string& selector = context.param("selector");
    context.auditObject = domain + "/" + selector;
    const bool force = context.json().optionalBool("force").value_or(false);
    if (force) context.auditAction = "dkim.activate.forced";
    std::optional<std::string> retired;
    try {
      retired = services.dkimKeys.activateIfPublished(
          domain, selector,
          [&services](std::string_view d, std::string_view s) { return services.domains.checkDkimKey(d, s); },
          force);
    } catch (const core::Conflict& e) {
      throw HttpError(409, "conflict", e.what(), "state");
    }
    Poco::JSON::Object answer = keyJson(services.dkimKeys.show(domain, selector));
    if (retired) answer.set("retiredSelector", *retired);
    context.sendJson(200, answer);
  });
  const auto retire = guard.change("dkim.retire", [&services](RequestContext& context) {
    const std::string& domain = context.param("domain");
    const std::string& selector = context.param("selector");
    context.auditObject = domain + "/" + selector;
    services.dkimKeys.retire(domain, selector);
    context.sendJson(200, keyJson(services.dkimKeys.show(domain, selector)));
  });
  const auto refuseState = guard.change("dkim.change", [](RequestContext& context) {
    context.auditObject = context.param("domain") + "/" + context.param("selector");
    const JsonBody body = context.json();
    body.allowOnly({"state"});
    body.requiredString("state");
    throw core::InvalidValue("state", "the state must be \"active\" or \"retired\"");
  });
  router.add(Method::Patch, "/api/v1/dkim/{domain}/{selector}",
             [activate, retire, refuseState](RequestContext& context) {
               std::optional<std::string> state;
               try {
                 const JsonBody body = context.json();
                 body.allowOnly({"state", "force"});
                 state = body.optionalString("state");
               } catch (const std::exception&) {
               }
               if (state == "active") return activate(context);
               if (state == "retired") return retire(context);
               refuseState(context);
             });

  router.add(Method::Delete, "/api/v1/dkim/{domain}/{selector}",
             guard.change("dkim.delete", [&services](RequestContext& context) {
               const std::string& domain = context.param("domain");
               const std::string& selector = context.param("selector");
               context.auditObject = domain + "/" + selector;
               const auto force = context.query("force");
               if (force && *force != "true" && *force != "false")
                 throw HttpError::badRequest("force must be true or false", "force");
               const bool forced = force && *force == "true";
               // The contract answers 409 for an active key without force (the service calls it a bad
               // value); the service still refuses should the key become active meanwhile.
               if (!forced && services.dkimKeys.show(domain, selector).state == "active")
                 throw core::Conflict("DKIM key " + domain + "/" + selector +
                                      " is active: retire it (or activate its successor) first, or delete it "
                                      "with force=true");
               services.dkimKeys.remove(domain, selector, forced);
               context.sendNoContent();
             }));
}

}  // namespace postern::web
