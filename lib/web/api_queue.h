// The JSON API's queue and delivery log endpoints: GET /api/v1/queue, GET and DELETE /api/v1/queue/{id},
// POST /api/v1/queue/{id}/retry, POST /api/v1/queue/retry and GET /api/v1/log.
//
// Owns: the JSON shapes of admin::MessageView and of the delivery log's rows (web/openapi.json MessageView,
// MessageDetail, QueueList, LogEntry), and the log's outcome names: the store's failed and expired are both
// "bounced" for the administrator (the sender got a bounce either way). A malformed queue ID is as unknown
// as one that left the queue (404): the spool never opens a path built from it.
// Text in the answers (headers, replies, addresses) is as clients and smarthosts sent it: JSON strings,
// never markup. Must not know: SQL, spool files. Thread-safety: the handlers run on every connection thread
// at once (admin::Queue is thread-safe).
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addQueueRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
