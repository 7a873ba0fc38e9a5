// `postern queue ...`: the mail queue from the command line, through admin::Queue (lib/admin/queue.h), the
// service the web API uses too: this file picks its control (the running server's manager through
// request files, or the spool directly while holding the server's lock) and prints.
// Everything a client or a remote server chose (HELO name, login, addresses, header fields, replies) is
// printed through core::printable(), so no escape sequence in it ever reaches the administrator's terminal.
#include <charconv>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "admin/queue.h"
#include "app/cli.h"
#include "app/cli_support.h"
#include "app/privileges.h"
#include "core/error.h"
#include "core/text.h"
#include "fs/file_io.h"
#include "fs/lock_file.h"
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

std::string sizeText(std::uint64_t bytes) {
  std::ostringstream out;
  if (bytes < 1024)
    out << bytes << " B";
  else
    out << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1024.0 << " KiB";
  return out.str();
}

std::string whenOrDash(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? when(*t) : "-";
}

void printMessage(const admin::MessageView& m) {
  std::cout << m.id << "  " << when(m.arrival) << "  " << sizeText(m.size) << "  <" << printable(m.sender)
            << ">" << (m.notification ? " (notification)" : "") << "  attempts=" << m.attempts;
  if (m.nextAttempt) std::cout << "  next=" << when(*m.nextAttempt);
  std::cout << "\n";
  for (const auto& r : m.recipients)
    std::cout << "    " << std::left << std::setw(10) << r.state << "<" << printable(r.address) << ">"
              << (r.lastReply.empty() ? "" : "  " + printable(r.lastReply)) << "\n";
}

int list(const admin::Queue& queue) {
  const auto listing = queue.list();
  for (const auto& m : listing.messages) printMessage(m);
  for (const auto& u : listing.unreadable)
    std::cout << printable(u.id) << "  (envelope unreadable: " << printable(u.error) << ")\n";
  const std::size_t count = listing.messages.size();
  std::cout << "-- " << count << (count == 1 ? " message, " : " messages, ") << sizeText(listing.bytes)
            << (listing.unreadable.empty() ? ""
                                           : ", " + std::to_string(listing.unreadable.size()) + " unreadable")
            << "\n";
  return kExitOk;
}

int show(const admin::Queue& queue, const std::string& id) {
  const auto detail = queue.show(id);
  if (!detail) {
    std::cerr << "postern: no message " << printable(id) << " in the queue\n";
    return kExitFailure;
  }
  const admin::MessageView& m = detail->message;
  std::cout << "id:           " << m.id << "\n"
            << "arrival:      " << when(m.arrival) << " UTC\n"
            << "sender:       <" << printable(m.sender) << ">\n"
            << "login:        " << printable(m.login) << "\n"
            << "client:       " << printable(m.clientAddress) << " (" << printable(m.heloName) << ")\n"
            << "size:         " << m.size << " octets" << (m.smtputf8 ? ", SMTPUTF8" : "")
            << (m.eightBitMime ? ", 8BITMIME" : "") << "\n"
            << "attempts:     " << m.attempts << " (last " << whenOrDash(m.lastAttempt) << ", via "
            << (m.remote.empty() ? "-" : printable(m.remote)) << ")\n"
            << "next attempt: " << whenOrDash(m.nextAttempt) << "\n"
            << "recipients:\n";
  for (const auto& r : m.recipients)
    std::cout << "  " << std::left << std::setw(10) << r.state << "<" << printable(r.address) << ">"
              << (r.senderNotified ? " (sender notified)" : "")
              << (r.lastReply.empty() ? "" : "\n            " + printable(r.lastReply)) << "\n";
  std::cout << "headers:\n" << printableHeaderSection(detail->headerSection);
  return kExitOk;
}

// False (after saying so) when the running server did not take the request in time.
bool taken(const admin::ControlOutcome& outcome) {
  if (outcome.kind != admin::ControlOutcome::Kind::TimedOut) return true;
  std::cerr << "postern: the server has not taken the request yet; it stays in " << printable(outcome.detail)
            << "\n";
  return false;
}

int retry(admin::Queue& queue, bool serverRunning, const std::string& id) {
  const auto outcome = queue.retry(id);
  if (!taken(outcome)) return kExitFailure;
  if (serverRunning)
    std::cout << (id.empty() ? "every message" : printable(id)) << ": delivery is being attempted now\n";
  else
    std::cout << outcome.messages << (outcome.messages == 1 ? " message" : " messages")
              << " will be attempted as soon as the server starts\n";
  return kExitOk;
}

int remove(admin::Queue& queue, const std::string& id) {
  const auto outcome = queue.remove(id);
  if (!taken(outcome)) return kExitFailure;
  if (outcome.kind == admin::ControlOutcome::Kind::Later)
    std::cout << printable(id) << ": will be deleted when its current delivery attempt ends\n";
  else
    std::cout << printable(id) << ": deleted (the sender is not notified)\n";
  return kExitOk;
}

int showLog(const config::Config& cfg, const std::string& id, std::size_t limit) {
  MigratedDatabase db(cfg);
  store::DeliveryLogRepository log(db.database);
  queue::Spool spool(cfg.spoolDir());
  admin::OfflineControl noChanges(spool);  // the log changes nothing
  const admin::Queue queue(spool, noChanges, &log);
  const auto records = queue.deliveryLog(id, limit);
  for (const auto& r : records)
    std::cout << when(r.at) << "  " << printable(r.queueId) << "  " << std::left << std::setw(9)
              << printable(r.outcome) << " <" << printable(r.recipient) << ">  via "
              << (r.remote.empty() ? "-" : printable(r.remote)) << "  " << printable(r.reply) << "\n";
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
      const CommandLine line = parseOptions(args, 1, {"limit"}, {});
      if (line.positional.size() > 1) throw UsageError("one message ID at most");
      const std::string id = line.positional.empty() ? "" : line.positional[0];
      const auto limitText = line.value("limit");
      std::size_t limit = 50;
      if (limitText) {
        const auto [end, ec] =
            std::from_chars(limitText->data(), limitText->data() + limitText->size(), limit);
        if (ec != std::errc() || end != limitText->data() + limitText->size())
          throw UsageError("--limit takes a whole number");
      }
      return showLog(cfg, id, limit);
    }
    prepareDataDirectory(cfg);
    queue::Spool spool(cfg.spoolDir());
    // The server's lock (fs::LockFile, as the server takes it), held for the whole change when no server
    // runs, so that none starts meanwhile; held by a server, changes go through its queue manager.
    const bool changes = verb == "retry" || verb == "delete";
    const auto lock = changes ? fs::LockFile::tryAcquire(cfg.lockPath()) : std::nullopt;
    const bool serverRunning = changes && !lock;
    admin::ControlFileClient server(spool, kControlWait);
    admin::OfflineControl offline(spool);
    admin::Queue queue(spool, serverRunning ? static_cast<admin::QueueControl&>(server) : offline);
    if (verb == "list") return list(queue);
    if (verb == "show") return show(queue, args[1]);
    if (verb == "retry") return retry(queue, serverRunning, n == 2 ? args[1] : "");
    return remove(queue, args[1]);
  } catch (const UsageError&) {
    std::cerr << kQueueUsage;
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "postern: " << printable(e.what()) << "\n";
    return kExitFailure;
  }
}

}  // namespace postern::app
