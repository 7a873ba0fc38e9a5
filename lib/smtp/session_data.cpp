// Session::Impl — the DATA phase: stream the message to the writer while the reader and the header
// scanner take notes, then decide once at the end of data, and commit with the trace and submission
// headers (RFC 5321 §4.4, RFC 6409 §8).
#include <chrono>

#include "core/error.h"
#include "core/text.h"
#include "smtp/header_policy.h"
#include "smtp/received_header.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

using core::Reply;

void Session::Impl::messageBytes(std::string_view bytes) {
  headers_->feed(bytes);
  if (!writer_) return;
  try {
    writer_->write(bytes);
  } catch (const std::exception& e) {
    writeFailure_ = spoolFailure(e);
    out_.log(LogLevel::Error, "spool", e.what());
    writer_.reset();  // the rest of the message is read and dropped; the client learns at the end
  }
}

// The rejection for the message just received, or nullopt when it may be queued. Permanent reasons
// come first: a retry after a full disk would only be refused again.
std::optional<Reply> Session::Impl::verdict() const {
  if (dataReader_->tooLarge()) return Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
  if (dataReader_->sawBareCrOrLf()) return Reply(550, "5.5.2", "Message contains bare CR or LF");
  if (dataReader_->sawLongLine())
    return Reply(
        550, "5.5.2",
        "Message contains a line longer than " + std::to_string(config_.maxTextLine - 2) + " octets");
  if (auto r = checkAuthorFields(*headers_, senders_)) return r;
  return writeFailure_;
}

std::string Session::Impl::prependedHeaders(const std::string& queueId) const {
  const auto now = services_.clock.now();
  ReceivedInfo info;
  info.heloName = helo_.value_or("");
  if (config_.receivedIncludesClientAddress) info.clientAddress = connection_.clientAddress;
  info.hostname = config_.hostname;
  info.queueId = queueId;
  info.tlsVersion = tls_ ? tls_->version : "";
  info.tlsCipher = tls_ ? tls_->cipher : "";
  info.login = login_;
  if (envelope_.recipients.size() == 1) info.recipient = envelope_.recipients.front().str();
  info.time = now;
  std::string out = receivedHeader(info);
  // RFC 6409 §8.2 and §8.3: the submission server adds Date and Message-ID when the client left them out.
  if (!headers_->hasDate()) out += "Date: " + core::rfc5322Date(now) + "\r\n";
  if (!headers_->hasMessageId()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    out += "Message-ID: <" + queueId + "." + std::to_string(seconds) + "@" + config_.hostname + ">\r\n";
  }
  return out;
}

void Session::Impl::finishTransaction(const Reply& r) {
  resetTransaction();
  enter(SessionState::Greeted);
  reply(r);
}

void Session::Impl::endOfData() {
  headers_->finish();
  if (auto rejection = verdict()) {
    out_.log(LogLevel::Info, "rejected",
             "login=" + login_ + " from=<" + envelope_.sender.str() + "> " + std::to_string(rejection->code) +
                 " " + rejection->enhanced + " " + rejection->lines.front());
    return finishTransaction(*rejection);
  }
  const std::string queueId = writer_->queueId();
  try {
    writer_->commit(prependedHeaders(queueId));
  } catch (const std::exception& e) {
    out_.log(LogLevel::Error, "spool", "id=" + queueId + " " + e.what());
    return finishTransaction(spoolFailure(e));
  }
  out_.log(LogLevel::Info, "queued",
           "id=" + queueId + " from=<" + envelope_.sender.str() + "> recipients=" +
               std::to_string(envelope_.recipients.size()) + " size=" + std::to_string(dataReader_->size()));
  finishTransaction(Reply(250, "2.0.0", "Ok: queued as " + queueId));
}

}  // namespace postern::smtp
