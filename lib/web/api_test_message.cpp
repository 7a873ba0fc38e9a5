#include "web/api_test_message.h"

#include <string>

namespace postern::web {

void addTestMessageRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Post, "/api/v1/test-message",
             guard.change("message.test", [&services](RequestContext& context) {
               const JsonBody body = context.json();
               body.allowOnly({"from", "to"});
               admin::TestMessageRequest request;
               request.from = body.requiredString("from");
               request.to = body.requiredString("to");
               request.adminLogin = context.principal->login;
               request.clientAddress = context.clientAddress.toString();
               context.auditObject = request.from + " -> " + request.to;
               const admin::TestMessageResult result = services.testMessages.send(request);
               // The queue ID is what the UI follows; the audit row keeps it beside the addresses.
               context.auditObject = result.queueId;
               Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
               answer.set("queueId", result.queueId);
               context.sendJson(202, answer);
             }));
}

}  // namespace postern::web
