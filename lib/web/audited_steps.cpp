#include "web/audited_steps.h"

#include "admin/audit.h"
#include "web/http_error.h"

namespace postern::web {

void runAuditedSteps(RequestContext& context, const ApiGuard& guard, const std::vector<AuditedStep>& steps) {
  if (steps.empty()) throw HttpError::badRequest("nothing to change: the body names no field");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    context.auditAction = steps[i].action;
    steps[i].run();
    if (i + 1 < steps.size())
      guard.record(context, context.principal->login, steps[i].action, context.auditObject,
                   std::string(admin::Audit::kOk));
  }
}

}  // namespace postern::web
