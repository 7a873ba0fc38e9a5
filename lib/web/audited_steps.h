// web::runAuditedSteps — one request that asks for several changes at once (PATCH {"enabled": false,
// "password": "…"}) is several audit actions, one row each, in the order they were done.
//
// Owns: each step names its action in context.auditAction before it runs, so the guard around the handler
// (web::ApiGuard::change) records the last step, or the step that failed and ended the run, with its own
// name; every step done before the last is recorded here as it completes. Steps already done stay done when
// a later one fails (the rows say which).
// Must not know: what the steps change. Thread-safety: per request.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "web/api_guard.h"
#include "web/request_context.h"

namespace postern::web {

struct AuditedStep {
  std::string action;  // "user.disable", "admin.password", ...
  std::function<void()> run;
};

// HttpError 400 when there is no step: a change that changes nothing is a malformed request.
void runAuditedSteps(RequestContext& context, const ApiGuard& guard, const std::vector<AuditedStep>& steps);

}  // namespace postern::web
