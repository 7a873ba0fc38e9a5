// `postern queue ...`: the mail queue from the command line. Reads go straight to the spool files (every
// envelope write is an atomic rename, so a reader never sees half of one). Changes go through the running
// server's queue manager (queue/queue_control.h) when there is one, so a message is never deleted under a
// delivery in progress; with no server running they are made directly, holding the server's lock.
// Everything a client or a remote server chose (HELO name, login, addresses, header fields, replies) is
// printed through core::printable(), so no escape sequence in it ever reaches the administrator's terminal.
#include <fcntl.h>
#include <sys/file.h>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/cli.h"
#include "app/cli_support.h"
#include "app/privileges.h"
#include "core/error.h"
#include "core/text.h"
#include "fs/file_descriptor.h"
#include "fs/file_io.h"
#include "queue/dsn.h"
#include "queue/queue_control.h"
#include "queue/spool.h"
#include "store/database.h"
#include "store/delivery_log_repository.h"
#include "store/migration_runner.h"

namespace postern::app {

namespace {

constexpr const char* kQueueUsage =
    "usage: postern queue list | show ID | retry [ID] | delete ID | log [ID] [--limit N]\n";
constexpr auto kControlWait = std::chrono::seconds(15);

std::string when(std::chrono::system_clock::time_point t) { return utcTime(t, true); }

using core::printable;

// A header section as stored (CRLF line ends), one printable line each: folded lines keep their leading
// TAB or space and stay readable, while a CR or LF that is not part of a CRLF shows as an escape.
std::string printableHeaderSection(std::string_view head) {
  std::string out;
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    out += printable(head.substr(0, end)) + "\n";
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
  }
  return out;
}

std::string stateName(queue::DeliveryState s) {
  switch (s) {
    case queue::DeliveryState::Delivered: return "delivered";
    case queue::DeliveryState::Failed: return "failed";
    case queue::DeliveryState::Pending: break;
  }
  return "pending";
}

std::string sizeText(std::uint64_t bytes) {
  std::ostringstream out;
  if (bytes < 1024)
    out << bytes << " B";
  else
    out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1024.0 << " KiB";
  return out.str();
}

// The lock the server holds while it runs (server.cpp). Held: changes go through the manager.
class ServerLock {
 public:
  explicit ServerLock(const config::Config& cfg)
      : fd_(fs::openFile(cfg.lockPath(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)),
        serverRunning_(::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {}
  bool serverRunning() const { return serverRunning_; }

 private:
  fs::FileDescriptor fd_;
  bool serverRunning_;
};

// Posts a request to the running server and waits until its queue manager has carried it out.
bool askServer(const queue::Spool& spool, const queue::ControlRequest& request) {
  queue::postControlRequest(spool.layout(), request);
  const auto deadline = std::chrono::steady_clock::now() + kControlWait;
  while (queue::controlRequestPending(spool.layout(), request)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "postern: the server has not taken the request yet; it stays in "
                << printable((spool.layout().control / request.fileName()).string()) << "\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

void printMessage(const queue::QueuedMessage& m) {
  std::cout << m.id << "  " << when(m.envelope.arrival) << "  "
            << sizeText(m.bodySize + m.prependedHeaders.size()) << "  <" << printable(m.envelope.sender.str())
            << ">" << (m.isBounce() ? " (notification)" : "") << "  attempts=" << m.progress.attempts;
  if (m.pendingCount() > 0) std::cout << "  next=" << when(m.progress.nextAttempt);
  std::cout << "\n";
  for (const auto& r : m.envelope.recipients)
    std::cout << "    " << std::left << std::setw(10) << stateName(r.state) << "<"
              << printable(r.address.str()) << ">" << (r.reply.empty() ? "" : "  " + printable(r.reply))
              << "\n";
}

int list(const queue::Spool& spool) {
  std::size_t count = 0, unreadable = 0;
  std::uint64_t bytes = 0;
  for (const auto& id : spool.list()) {
    try {
      const auto m = spool.load(id);
      if (!m) continue;
      printMessage(*m);
      ++count;
      bytes += m->bodySize + m->prependedHeaders.size();
    } catch (const std::exception& e) {
      std::cout << printable(id) << "  (envelope unreadable: " << printable(e.what()) << ")\n";
      ++unreadable;
    }
  }
  std::cout << "-- " << count << (count == 1 ? " message, " : " messages, ") << sizeText(bytes)
            << (unreadable ? ", " + std::to_string(unreadable) + " unreadable" : "") << "\n";
  return kExitOk;
}

int show(const queue::Spool& spool, const std::string& id) {
  const auto m = spool.load(id);
  if (!m) {
    std::cerr << "postern: no message " << printable(id) << " in the queue\n";
    return kExitFailure;
  }
  std::cout << "id:           " << m->id << "\n"
            << "arrival:      " << when(m->envelope.arrival) << " UTC\n"
            << "sender:       <" << printable(m->envelope.sender.str()) << ">\n"
            << "login:        " << printable(m->envelope.login) << "\n"
            << "client:       " << printable(m->envelope.clientAddress) << " ("
            << printable(m->envelope.heloName) << ")\n"
            << "size:         " << m->bodySize + m->prependedHeaders.size() << " octets"
            << (m->envelope.smtputf8 ? ", SMTPUTF8" : "") << (m->envelope.eightBitMime ? ", 8BITMIME" : "")
            << "\n"
            << "attempts:     " << m->progress.attempts << " (last " << when(m->progress.lastAttempt)
            << ", via " << (m->progress.remote.empty() ? "-" : printable(m->progress.remote)) << ")\n"
            << "next attempt: " << (m->pendingCount() ? when(m->progress.nextAttempt) : "-") << "\n"
            << "recipients:\n";
  for (const auto& r : m->envelope.recipients)
    std::cout << "  " << std::left << std::setw(10) << stateName(r.state) << "<" << printable(r.address.str())
              << ">" << (r.notified ? " (sender notified)" : "")
              << (r.reply.empty() ? "" : "\n            " + printable(r.reply)) << "\n";
  std::string head = m->prependedHeaders;
  const auto body = fs::readFileIfExists(m->bodyPath);
  if (body) head += std::string(queue::headerSection(*body));
  std::cout << "headers:\n" << printableHeaderSection(head);
  return kExitOk;
}

int retry(queue::Spool& spool, const ServerLock& lock, const std::string& id) {
  if (!id.empty() && !spool.load(id)) {
    std::cerr << "postern: no message " << printable(id) << " in the queue\n";
    return kExitFailure;
  }
  if (lock.serverRunning()) {
    if (!askServer(spool, queue::ControlRequest{queue::ControlAction::Retry, id})) return kExitFailure;
    std::cout << (id.empty() ? "every message" : printable(id)) << ": delivery is being attempted now\n";
    return kExitOk;
  }
  std::size_t n = 0;
  for (const auto& each : id.empty() ? spool.list() : std::vector<std::string>{id}) {
    auto m = spool.load(each);
    if (!m || m->pendingCount() == 0) continue;
    m->progress.nextAttempt = {};
    spool.updateEnvelope(*m);
    ++n;
  }
  std::cout << n << (n == 1 ? " message" : " messages") << " will be attempted as soon as the server starts\n";
  return kExitOk;
}

int remove(queue::Spool& spool, const ServerLock& lock, const std::string& id) {
  if (!spool.load(id)) {
    std::cerr << "postern: no message " << printable(id) << " in the queue\n";
    return kExitFailure;
  }
  if (lock.serverRunning()) {
    if (!askServer(spool, queue::ControlRequest{queue::ControlAction::Delete, id})) return kExitFailure;
    const auto deadline = std::chrono::steady_clock::now() + kControlWait;
    while (spool.load(id) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (spool.load(id)) {
      std::cout << printable(id) << ": will be deleted when its current delivery attempt ends\n";
      return kExitOk;
    }
  } else if (!spool.remove(id)) {
    std::cerr << "postern: no message " << printable(id) << " in the queue\n";
    return kExitFailure;
  }
  std::cout << printable(id) << ": deleted (the sender is not notified)\n";
  return kExitOk;
}

int showLog(const config::Config& cfg, const std::string& id, std::size_t limit) {
  MigratedDatabase db(cfg);
  store::DeliveryLogRepository log(db.database);
  const auto records = log.recent(id, limit);
  for (auto it = records.rbegin(); it != records.rend(); ++it)
    std::cout << when(it->at) << "  " << printable(it->queueId) << "  " << std::left << std::setw(9)
              << printable(it->outcome) << " <" << printable(it->recipient) << ">  via "
              << (it->remote.empty() ? "-" : printable(it->remote)) << "  " << printable(it->reply) << "\n";
  if (records.empty())
    std::cout << "(no delivery attempts logged" << (id.empty() ? "" : " for " + printable(id)) << ")\n";
  return kExitOk;
}

}  // namespace

int runQueueCommand(const config::Config& cfg, const std::vector<std::string>& args) {
  const std::string verb = args.empty() ? "list" : args[0];
  const std::size_t n = args.size();
  const bool ok = (verb == "list" && n <= 1) || (verb == "show" && n == 2) || (verb == "retry" && n <= 2) ||
                  (verb == "delete" && n == 2) || verb == "log";
  if (!ok) {
    std::cerr << kQueueUsage;
    return kExitUsage;
  }
  try {
    if (verb == "log") {
      std::string id;
      std::size_t limit = 50;
      for (std::size_t i = 1; i < n; ++i) {
        if (args[i] == "--limit" && i + 1 < n) {
          limit = static_cast<std::size_t>(std::stoul(args[++i]));
        } else if (id.empty() && args[i].rfind("--", 0) != 0) {
          id = args[i];
        } else {
          std::cerr << kQueueUsage;
          return kExitUsage;
        }
      }
      return showLog(cfg, id, limit);
    }
    prepareDataDirectory(cfg);
    queue::Spool spool(cfg.spoolDir());
    if (verb == "list") return list(spool);
    if (verb == "show") return show(spool, args[1]);
    const ServerLock lock(cfg);
    if (verb == "retry") return retry(spool, lock, n == 2 ? args[1] : "");
    return remove(spool, lock, args[1]);
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
