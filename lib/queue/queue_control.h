// queue control requests — how `postern queue retry|delete` reach the queue manager of a running server:
// one empty file per request in spool/control/ ("retry-all", "retry-<ID>", "delete-<ID>"). The manager
// polls the directory, carries each request out and deletes its file; the command waits for that. Files
// rather than a socket: no listener to secure, and requests survive a restart of either side.
//
// Owns: the request file names. Must not know: the manager's schedule. Thread-safety: free functions;
// several writers may post at once (distinct names, O_CREAT).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "queue/spool_layout.h"

namespace postern::queue {

enum class ControlAction { Retry, Delete };

struct ControlRequest {
  ControlAction action = ControlAction::Retry;
  std::string id;  // empty: every message (Retry only)
  std::string fileName() const;
  static std::optional<ControlRequest> fromFileName(const std::string& name);
  friend bool operator==(const ControlRequest&, const ControlRequest&) = default;
};

void postControlRequest(const SpoolLayout& layout, const ControlRequest& request);
bool controlRequestPending(const SpoolLayout& layout, const ControlRequest& request);
// The requests waiting; files whose names are not requests are deleted.
std::vector<ControlRequest> pendingControlRequests(const SpoolLayout& layout);
// Called once the request has been carried out: the waiting command sees its file disappear.
void completeControlRequest(const SpoolLayout& layout, const ControlRequest& request);

}  // namespace postern::queue
