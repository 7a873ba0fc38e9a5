#include "queue/queue_control.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "fs/file_descriptor.h"
#include "fs/file_io.h"
#include "queue/queue_id.h"

namespace postern::queue {

std::string ControlRequest::fileName() const {
  if (id.empty()) return "retry-all";
  return (action == ControlAction::Retry ? "retry-" : "delete-") + id;
}

std::optional<ControlRequest> ControlRequest::fromFileName(const std::string& name) {
  if (name == "retry-all") return ControlRequest{ControlAction::Retry, ""};
  for (const auto& [prefix, action] : {std::pair{std::string("retry-"), ControlAction::Retry},
                                       std::pair{std::string("delete-"), ControlAction::Delete}}) {
    if (name.rfind(prefix, 0) == 0 && isValidQueueId(name.substr(prefix.size())))
      return ControlRequest{action, name.substr(prefix.size())};
  }
  return std::nullopt;
}

void postControlRequest(const SpoolLayout& layout, const ControlRequest& request) {
  fs::openFile(layout.control / request.fileName(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
}

bool controlRequestPending(const SpoolLayout& layout, const ControlRequest& request) {
  struct stat st {};
  return ::lstat((layout.control / request.fileName()).c_str(), &st) == 0;
}

ControlScan scanControlRequests(const SpoolLayout& layout) {
  ControlScan scan;
  for (const std::string& name : fs::listDirectory(layout.control)) {
    const auto path = layout.control / name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // completed or removed since the listing
      scan.problems.push_back({name, std::string("cannot examine it: ") + std::strerror(errno)});
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      scan.problems.push_back({name, "not a regular file; left alone"});
      continue;
    }
    if (auto request = ControlRequest::fromFileName(name)) {
      scan.requests.push_back(*request);
      continue;
    }
    try {
      fs::removeFile(path);
    } catch (const std::exception& e) {
      scan.problems.push_back({name, std::string("not a request and cannot be removed: ") + e.what()});
    }
  }
  return scan;
}

void completeControlRequest(const SpoolLayout& layout, const ControlRequest& request) {
  fs::removeFile(layout.control / request.fileName());
}

}  // namespace postern::queue
