// queue control requests — how `postern queue retry|delete` reach the queue manager of a running server:
// one empty file per request in spool/control/ ("retry-all", "retry-<ID>", "delete-<ID>"). The manager
// polls the directory, carries each request out and deletes its file; the command waits for that. Files
// rather than a socket: no listener to secure, and requests survive a restart of either side.
//
// The directory is shared with whoever can write to the spool, so one entry the manager did not expect (a
// directory, a file it cannot delete) must never stop the others from being carried out: it is skipped
// and reported, and the requests around it go on.
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

// An entry of spool/control/ that is left where it is: not a regular file (whatever its name: a request
// is always a file, and a directory can never be "completed"), or a stray file that could not be deleted.
struct ControlProblem {
  std::string name;    // the entry's name inside spool/control/
  std::string reason;  // for the log
};

struct ControlScan {
  std::vector<ControlRequest> requests;  // the requests waiting, in name order
  std::vector<ControlProblem> problems;  // entries skipped
};

void postControlRequest(const SpoolLayout& layout, const ControlRequest& request);
bool controlRequestPending(const SpoolLayout& layout, const ControlRequest& request);
// The requests waiting. Regular files whose names are not requests are deleted; what cannot be handled is
// skipped and reported in problems. Throws core::Error only when the directory itself cannot be listed.
ControlScan scanControlRequests(const SpoolLayout& layout);
// Called once the request has been carried out: the waiting command sees its file disappear.
void completeControlRequest(const SpoolLayout& layout, const ControlRequest& request);

}  // namespace postern::queue
