#include "web/api_queue.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "core/error.h"
#include "web/api_support.h"

namespace postern::web {

namespace {

// Shared pointers all the way down: a Poco::JSON::Object held by value is copied whole each time it is
// added to an array or set in another object (three times per message for a page), and those copies'
// allocations were the larger part of a page's CPU.
Poco::JSON::Object::Ptr messageJson(const admin::MessageView& message) {
  Poco::JSON::Array::Ptr recipients = new Poco::JSON::Array;
  for (const auto& r : message.recipients) {
    Poco::JSON::Object::Ptr recipient = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    recipient->set("address", r.address);
    recipient->set("state", r.state);
    recipient->set("lastReply", r.lastReply);
    recipients->add(recipient);
  }
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", message.id);
  json->set("arrival", isoTime(message.arrival));
  json->set("sender", message.sender);
  json->set("notification", message.notification);
  json->set("size", message.size);
  json->set("login", message.login);
  json->set("clientAddress", message.clientAddress);
  json->set("attempts", message.attempts);
  json->set("lastAttempt", isoTimeOrNull(message.lastAttempt));
  json->set("nextAttempt", isoTimeOrNull(message.nextAttempt));
  json->set("remote", message.remote);
  json->set("recipients", recipients);
  return json;
}

// What the administrator reads: the sender was told of a failure or an expiry alike.
std::string logOutcome(const std::string& stored) {
  if (stored == "failed" || stored == "expired") return "bounced";
  return stored;
}

Poco::JSON::Object logEntryJson(const store::DeliveryLogRecord& record) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("time", isoTime(record.at));
  json.set("queueId", record.queueId);
  json.set("recipient", record.recipient);
  json.set("outcome", logOutcome(record.outcome));
  json.set("remote", record.remote);
  json.set("reply", record.reply);
  return json;
}

// 202 and no body: the queue manager carries the retry out in its own time.
void sendAccepted(RequestContext& context) {
  context.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
  context.response.setContentLength(0);
  context.response.send();
}

PageQuery queuePage(const RequestContext& context) {
  const PageQuery page = pageQuery(context);
  if (page.limit == 0) throw core::InvalidValue("limit", "must be between 1 and 500");
  return page;
}

}  // namespace

void addQueueRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/queue", guard.read([&services](RequestContext& context) {
    const PageQuery page = queuePage(context);
    const admin::QueueListing listing = services.queue.list(page.offset, page.limit);
    Poco::JSON::Array items;
    for (const auto& message : listing.messages) items.add(messageJson(message));
    Poco::JSON::Object answer = listAnswer(items, listing.total, page);
    answer.set("bytes", listing.bytes);
    context.sendJson(200, answer);
  }));

  router.add(Method::Get, "/api/v1/queue/{id}", guard.read([&services](RequestContext& context) {
    const std::string& id = context.param("id");
    const auto detail = services.queue.show(id);
    if (!detail) throw core::NotFound("no message " + id + " in the queue");
    Poco::JSON::Object::Ptr answer = messageJson(detail->message);
    answer->set("headers", detail->headerSection);
    context.sendJson(200, *answer);
  }));

  router.add(Method::Delete, "/api/v1/queue/{id}",
             guard.change("queue.delete", [&services](RequestContext& context) {
               context.auditObject = context.param("id");
               services.queue.remove(context.param("id"));
               context.sendNoContent();
             }));

  router.add(Method::Post, "/api/v1/queue/{id}/retry",
             guard.change("queue.retry", [&services](RequestContext& context) {
               context.auditObject = context.param("id");
               services.queue.retry(context.param("id"));
               sendAccepted(context);
             }));

  router.add(Method::Post, "/api/v1/queue/retry",
             guard.change("queue.retry_all", [&services](RequestContext& context) {
               context.auditObject = "all";
               services.queue.retry("");
               sendAccepted(context);
             }));

  router.add(Method::Get, "/api/v1/log", guard.read([&services](RequestContext& context) {
    const PageQuery page = queuePage(context);
    store::DeliveryLogQuery query;
    query.queueId = context.query("id").value_or("");
    query.recipient = context.query("recipient").value_or("");
    query.offset = page.offset;
    query.limit = page.limit;
    Poco::JSON::Array items;
    for (const auto& record : services.queue.searchLog(query)) items.add(logEntryJson(record));
    context.sendJson(200, itemsAnswer(items));
  }));
}

}  // namespace postern::web
