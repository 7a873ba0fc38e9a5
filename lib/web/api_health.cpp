#include "web/api_health.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "web/request_context.h"

namespace postern::web {

void addHealthRoutes(Router& router, admin::Health& health) {
  router.add(Method::Get, "/healthz", [&health](RequestContext& context) {
    const admin::HealthReport report = health.check();
    Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
    json.set("status", report.healthy ? "ok" : "unavailable");
    if (!report.healthy) {
      Poco::JSON::Array problems;
      for (const auto& problem : report.problems) problems.add(problem);
      json.set("problems", problems);
    }
    // 503 rather than 500: the server runs and answers, but should not be sent work now (RFC 9110 §15.6.4).
    context.sendJson(report.healthy ? 200 : 503, json);
  });
}

}  // namespace postern::web
