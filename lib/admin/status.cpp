#include "admin/status.h"

#include <set>

#include "core/text.h"

namespace postern::admin {

namespace {

using namespace std::chrono_literals;

std::string describe(const store::DeliveryLogRecord& record) {
  return (record.remote.empty() ? std::string() : record.remote + ": ") + record.reply;
}

}  // namespace

std::string Status::patternDomain(const std::string& pattern) {
  const std::size_t at = pattern.rfind('@');
  if (at == std::string::npos || at + 1 == pattern.size()) return "";
  return core::toLowerAscii(pattern.substr(at + 1));
}

StatusView Status::now() {
  const auto now = clock_.now();
  StatusView view;
  view.facts = facts_;
  view.uptime = std::chrono::duration_cast<std::chrono::seconds>(now - facts_.startedAt);

  const std::vector<std::string> ids = spool_.list();  // in arrival order
  view.queueMessages = ids.size();
  for (const std::string& id : ids) {
    // The oldest message that can still be read (one that vanished since the listing was delivered).
    try {
      if (const auto message = spool_.load(id)) {
        view.oldestArrival = message->envelope.arrival;
        break;
      }
    } catch (const std::exception&) {
      // an unreadable envelope is the queue page's business
    }
  }

  view.accepted = accepted_.total();
  const store::DeliveryOutcomeCounts counts = log_.countSince(now - 24h);
  view.delivered = counts.delivered;
  view.deferred = counts.deferred;
  view.bounced = counts.failed + counts.expired;

  const auto lastDelivered = log_.latest("delivered");
  const auto lastDeferred = log_.latest("deferred");
  const auto lastFailed = log_.latest("failed");
  if (lastDeferred && (!lastFailed || lastFailed->id < lastDeferred->id))
    view.lastRelayError = lastDeferred;
  else if (lastFailed)
    view.lastRelayError = lastFailed;

  view.hasUser = users_.countUsers() > 0;
  const std::vector<store::DkimKeyRecord> activeKeys = keys_.activeKeys();  // read once, for both uses
  view.hasActiveDkimKey = !activeKeys.empty();
  view.hasRoute = facts_.smarthostConfigured || !routes_.list().empty();
  view.deliveredOnce = lastDelivered.has_value();
  addProblems(view, now, lastDelivered, activeKeys);
  return view;
}

StatusProblem Status::dnsRecordProblem(const FailingDomain& failing) {
  const auto kindWords = [](const std::string& kind) -> std::string {
    if (kind == "dkim") return "DKIM";
    if (kind == "spf") return "SPF";
    if (kind == "dmarc") return "DMARC";
    if (kind == "mta-sts") return "MTA-STS";
    if (kind == "tls-rpt") return "TLS-RPT";
    return kind;
  };
  const auto statusWords = [](const std::string& status) -> std::string {
    if (status == "missing") return "is not published";
    if (status == "differs") return "differs from what it should be";
    if (status == "lookup_failed") return "could not be looked up";
    if (status == "unchecked") return "has not been checked";
    return "failed its check (" + status + ")";
  };
  std::string records;
  for (std::size_t i = 0; i < failing.records.size(); ++i) {
    const auto& r = failing.records[i];
    records += i == 0 ? "" : i + 1 == failing.records.size() ? " and " : ", ";
    records += "the " + kindWords(r.kind) + " record at " + r.name + " " + statusWords(r.status);
  }
  return StatusProblem{"dns_record",
                       "The DNS of " + failing.domain + " needs attention: " + records +
                           ". Publish the records as the domain's page shows them, then check again.",
                       "#/domains/" + failing.domain};
}

void Status::addProblems(StatusView& view, std::chrono::system_clock::time_point now,
                         const std::optional<store::DeliveryLogRecord>& lastDelivered,
                         const std::vector<store::DkimKeyRecord>& activeKeys) {
  if (const auto& error = view.lastRelayError; error && error->outcome == "deferred" &&
                                               now - error->at < 1h &&
                                               (!lastDelivered || lastDelivered->id < error->id)) {
    view.problems.push_back(
        StatusProblem{"relay_failing",
                      "Mail is not getting through: the last delivery attempt was deferred (" +
                          describe(*error) + "). Check the route or smarthost settings and its password.",
                      "#/routes"});
  }
  if (view.oldestArrival && now - *view.oldestArrival > 1h) {
    view.problems.push_back(StatusProblem{
        "deferred_over_an_hour",
        std::to_string(view.queueMessages) + (view.queueMessages == 1 ? " message is" : " messages are") +
            " waiting in the queue, the oldest for more than an hour. Look at the last reply of each "
            "recipient in the queue.",
        "#/queue"});
  }

  std::set<std::string> signedDomains;
  for (const auto& key : activeKeys) signedDomains.insert(key.domain);
  std::set<std::string> unsignedDomains;
  for (const std::string& pattern : users_.enabledSenderPatterns()) {
    const std::string domain = patternDomain(pattern);
    if (!domain.empty() && !signedDomains.count(domain)) unsignedDomains.insert(domain);
  }
  for (const std::string& domain : unsignedDomains) {
    view.problems.push_back(StatusProblem{
        "domain_without_dkim",
        "Users send as " + domain +
            " but no active DKIM key signs its mail, so receivers cannot tell it is genuine. Create a key, "
            "publish its DNS record, then activate it.",
        "#/dkim"});
  }

  if (domains_)
    for (const auto& failing : domains_->failing()) view.problems.push_back(dnsRecordProblem(failing));

  if (const auto& cert = view.facts.certificate) {
    if (cert->notAfter <= now) {
      view.problems.push_back(
          StatusProblem{"certificate_expired",
                        "The TLS certificate for " + cert->subject +
                            " has expired: mail clients refuse to connect. Install "
                            "a new certificate (tls.certificate and tls.private_key) and restart.",
                        "#/status"});
    } else if (cert->notAfter - now < std::chrono::hours(24 * 14)) {
      view.problems.push_back(StatusProblem{
          "certificate_expiring",
          "The TLS certificate for " + cert->subject +
              " expires within two weeks. Renew it before mail clients start refusing to connect.",
          "#/status"});
    }
    if (cert->selfSigned) {
      view.problems.push_back(StatusProblem{
          "certificate_self_signed",
          "Postern uses a self-signed certificate, so mail clients warn or refuse to connect. Set "
          "tls.certificate and tls.private_key to a certificate for " +
              view.facts.hostname + " (for example from Let's Encrypt).",
          "#/status"});
    }
  }
}

}  // namespace postern::admin
