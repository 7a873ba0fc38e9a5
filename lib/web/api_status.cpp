#include "web/api_status.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "web/api_support.h"

namespace postern::web {

namespace {

Poco::Dynamic::Var certificateJson(const std::optional<tls::CertificateInfo>& certificate) {
  if (!certificate) return Poco::Dynamic::Var();
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("subject", certificate->subject);
  json.set("notAfter", isoTime(certificate->notAfter));
  json.set("selfSigned", certificate->selfSigned);
  return json;
}

Poco::Dynamic::Var relayErrorJson(const std::optional<store::DeliveryLogRecord>& record) {
  if (!record) return Poco::Dynamic::Var();
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("time", isoTime(record->at));
  json.set("remote", record->remote);
  json.set("reply", record->reply);
  return json;
}

Poco::JSON::Object statusJson(const admin::StatusView& status) {
  Poco::JSON::Array listeners;
  for (const auto& l : status.facts.listeners) {
    Poco::JSON::Object listener(Poco::JSON_PRESERVE_KEY_ORDER);
    listener.set("kind", l.kind);
    listener.set("address", l.address);
    listeners.add(listener);
  }
  Poco::JSON::Object queue(Poco::JSON_PRESERVE_KEY_ORDER);
  queue.set("messages", status.queueMessages);
  queue.set("oldestArrival", isoTimeOrNull(status.oldestArrival));
  Poco::JSON::Object today(Poco::JSON_PRESERVE_KEY_ORDER);
  today.set("accepted", status.accepted);
  today.set("delivered", status.delivered);
  today.set("deferred", status.deferred);
  today.set("bounced", status.bounced);
  Poco::JSON::Object checklist(Poco::JSON_PRESERVE_KEY_ORDER);
  checklist.set("hasUser", status.hasUser);
  checklist.set("hasActiveDkimKey", status.hasActiveDkimKey);
  checklist.set("hasRoute", status.hasRoute);
  checklist.set("testMessageDelivered", status.deliveredOnce);
  Poco::JSON::Array problems;
  for (const auto& p : status.problems) {
    Poco::JSON::Object problem(Poco::JSON_PRESERVE_KEY_ORDER);
    problem.set("kind", p.kind);
    problem.set("message", p.message);
    problem.set("link", p.link);
    problems.add(problem);
  }
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("version", status.facts.version);
  json.set("uptimeSeconds", static_cast<std::int64_t>(status.uptime.count()));
  json.set("hostname", status.facts.hostname);
  json.set("listeners", listeners);
  json.set("certificate", certificateJson(status.facts.certificate));
  json.set("queue", queue);
  json.set("today", today);
  json.set("lastRelayError", relayErrorJson(status.lastRelayError));
  json.set("checklist", checklist);
  json.set("problems", problems);
  return json;
}

}  // namespace

void addStatusRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/status", guard.read([&services](RequestContext& context) {
    context.sendJson(200, statusJson(services.status.now()));
  }));
}

}  // namespace postern::web
