// Session::Impl — the DATA phase: stream the message to the writer while the reader and the header
// scanner take notes, then decide once at the end of data, and commit with the trace and submission
// headers (RFC 5321 §4.4, RFC 6409 §8). Client-chosen values in log lines go through core::logValue().
#include <chrono>

#include "core/error.h"
#include "core/text.h"
#include "mail/address.h"
#include "smtp/header_policy.h"
#include "smtp/received_header.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

using core::Reply;

const char* refusalName(Refusal reason) {
  switch (reason) {
    case Refusal::SenderNotOwned:
      return "sender_not_owned";
    case Refusal::HeaderFrom:
      return "header_from";
    case Refusal::DisplayName:
      return "display_name";
    case Refusal::TooLarge:
      return "too_large";
    case Refusal::Malformed:
      return "malformed";
    case Refusal::NoDkimKey:
      return "no_dkim_key";
    case Refusal::Storage:
      return "storage";
    case Refusal::LocalError:
      return "local_error";
    case Refusal::SendingLimit:
      return "sending_limit";
  }
  return "local_error";
}

Refusal refusalFor(const Reply& r) {
  if (r.code == 552) return Refusal::TooLarge;
  if (r.code == 452) return Refusal::Storage;
  if (r.code == 451) return Refusal::LocalError;
  if (r.enhanced == "5.7.1") return Refusal::HeaderFrom;
  return Refusal::Malformed;
}

std::optional<Session::Impl::Rejection> Session::Impl::beginMessage(DataReader::Framing framing) {
  envelope_.arrival = services_.clock.now();
  try {
    writer_ = services_.spool.begin(envelope_);
  } catch (const std::exception& e) {
    out_.log(LogLevel::Error, "spool", core::logValue(e.what()));
    return Rejection(spoolFailure(e));
  }
  if (services_.signer) {
    try {
      signature_ = services_.signer->begin();
    } catch (const std::exception& e) {
      writer_.reset();
      out_.log(LogLevel::Error, "dkim", "cannot start signing: " + core::logValue(e.what()));
      if (services_.events) services_.events->signingFailed();
      return Rejection(localFailure(), Refusal::LocalError);
    }
  }
  dataReader_ =
      std::make_unique<DataReader>(framing, DataReader::Limits{config_.maxMessageSize, config_.maxTextLine},
                                   [this](std::string_view bytes) { messageBytes(bytes); });
  headers_ = std::make_unique<HeaderScanner>(config_.maxHeaderSection);
  return std::nullopt;
}

void Session::Impl::messageBytes(std::string_view bytes) {
  headers_->feed(bytes);
  if (signature_ && signatureWriteError_.empty()) {
    try {
      signature_->write(bytes);
    } catch (const std::exception& e) {
      signatureWriteError_ = e.what();  // reported at the end of data, with the queue ID (451 4.3.0)
    }
  }
  if (!writer_) return;
  try {
    writer_->write(bytes);
  } catch (const std::exception& e) {
    writeFailure_ = spoolFailure(e);
    out_.log(LogLevel::Error, "spool", core::logValue(e.what()));
    writer_.reset();  // the rest of the message is read and dropped; the client learns at the end
  }
}

// The rejection for the message just received, or nullopt when it may be queued. Permanent reasons
// come first: a retry after a full disk would only be refused again.
std::optional<Session::Impl::Rejection> Session::Impl::verdict() const {
  if (dataReader_->tooLarge()) return Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
  if (dataReader_->sawBareCrOrLf()) return Reply(550, "5.5.2", "Message contains bare CR or LF");
  if (dataReader_->sawLongLine())
    return Reply(
        550, "5.5.2",
        "Message contains a line longer than " + std::to_string(config_.maxTextLine - 2) + " octets");
  if (auto r = checkHeaderSyntax(*headers_)) return r;
  if (auto r = checkAuthorFields(*headers_, senders_)) return r;
  if (config_.checkDisplayNames)
    if (auto r = checkDisplayNames(*headers_))  // 5.6.0 (a Reply-To no one can read) counts as malformed
      return r->enhanced == "5.7.1" ? Rejection(*r, Refusal::DisplayName) : Rejection(*r);
  return writeFailure_;
}

Session::Impl::AddedHeaders Session::Impl::addedHeaders(const std::string& queueId) const {
  const auto now = services_.clock.now();
  ReceivedInfo info;
  info.heloName = helo_.value_or("");
  if (config_.receivedIncludesClientAddress) info.clientAddress = connection_.clientAddress;
  info.hostname = config_.hostname;
  info.queueId = queueId;
  info.tlsVersion = tls_ ? tls_->version : "";
  info.tlsCipher = tls_ ? tls_->cipher : "";
  info.login = login_;
  if (envelope_.recipients.size() == 1) info.recipient = envelope_.recipients.front();
  info.time = now;
  AddedHeaders out;
  out.trace = receivedHeader(info);
  // RFC 6409 §8.2 and §8.3: the submission server adds Date and Message-ID when the client left them out.
  if (!headers_->hasDate()) out.submission += "Date: " + core::rfc5322Date(now) + "\r\n";
  if (!headers_->hasMessageId()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    out.submission +=
        "Message-ID: <" + queueId + "." + std::to_string(seconds) + "@" + config_.hostname + ">\r\n";
  }
  return out;
}

std::variant<std::string, Reply> Session::Impl::dkimSignature(const std::string& queueId,
                                                              const std::string& submissionHeaders) {
  if (!signature_) return std::string();
  if (!signatureWriteError_.empty()) {
    out_.log(LogLevel::Error, "dkim",
             "id=" + queueId + " signing failed: " + core::logValue(signatureWriteError_));
    if (services_.events) services_.events->signingFailed();
    countRefusal(Refusal::LocalError);
    return localFailure();
  }
  // The author rules have passed, so From holds exactly one field with at least one mailbox; d= follows
  // the first (RFC 6376 §3.5 leaves the choice to the signer; DMARC aligns with the From domain).
  std::string fromDomain;
  if (const auto mailboxes = mail::parseAddressList(headers_->from().front());
      mailboxes && !mailboxes->empty())
    fromDomain = mailboxes->front().domain;
  SigningOutcome outcome;
  try {
    outcome = signature_->finish(fromDomain, submissionHeaders);
  } catch (const std::exception& e) {
    outcome.status = SigningOutcome::Status::Failed;
    outcome.detail = e.what();
  }
  switch (outcome.status) {
    case SigningOutcome::Status::Signed:
      // "d=... s=...": the names of a key the administrator stored, already key=value fields.
      out_.log(LogLevel::Info, "dkim", "id=" + queueId + " signed " + outcome.detail);
      if (services_.events)
        for (const auto& algorithm : outcome.algorithms) services_.events->messageSigned(algorithm);
      return outcome.fields;
    case SigningOutcome::Status::Failed:
      out_.log(LogLevel::Error, "dkim",
               "id=" + queueId + " signing failed: " + core::logValue(outcome.detail));
      if (services_.events) services_.events->signingFailed();
      countRefusal(Refusal::LocalError);
      return localFailure();
    case SigningOutcome::Status::NoKey:
      break;
  }
  if (config_.rejectWithoutDkimKey) {
    out_.log(LogLevel::Warning, "rejected",
             "login=" + core::logValue(login_) +
                 " from=" + core::logValue("<" + envelope_.sender.str() + ">") + " no DKIM key for " +
                 core::logValue(fromDomain) + " (dkim.missing_key = reject)");
    countRefusal(Refusal::NoDkimKey);
    return Reply(550, "5.7.1", "No DKIM signing key for the From domain " + fromDomain + ": message refused");
  }
  out_.log(LogLevel::Warning, "dkim",
           "id=" + queueId + " no DKIM key for " + core::logValue(fromDomain) +
               " or a parent domain: queued unsigned");
  return std::string();
}

void Session::Impl::finishTransaction(const Reply& r) {
  resetTransaction();
  enter(SessionState::Greeted);
  reply(r);
}

void Session::Impl::endOfData() {
  headers_->finish();
  if (auto rejection = verdict()) {
    const Reply& r = rejection->reply;
    out_.log(LogLevel::Info, "rejected",
             "login=" + core::logValue(login_) + " from=" +
                 core::logValue("<" + envelope_.sender.str() + ">") + " " + std::to_string(r.code) + " " +
                 r.enhanced + " " + core::logValue(r.lines.front()));  // the text may quote a header address
    countRefusal(rejection->reason);
    return finishTransaction(r);
  }
  const std::string queueId = writer_->queueId();
  const AddedHeaders added = addedHeaders(queueId);
  // Signed before the commit: a message is never queued with a signature missing that it should have.
  const auto signature = dkimSignature(queueId, added.submission);
  if (const auto* refusal = std::get_if<Reply>(&signature)) return finishTransaction(*refusal);  // counted
  try {
    // The signatures on top, then the trace field, then the submission fields the signatures cover.
    writer_->commit(std::get<std::string>(signature) + added.trace + added.submission);
  } catch (const std::exception& e) {
    out_.log(LogLevel::Error, "spool", "id=" + queueId + " " + core::logValue(e.what()));
    const Reply failure = spoolFailure(e);
    countRefusal(refusalFor(failure));
    return finishTransaction(failure);
  }
  out_.log(LogLevel::Info, "queued",
           "id=" + queueId + " from=" + core::logValue("<" + envelope_.sender.str() + ">") + " recipients=" +
               std::to_string(envelope_.recipients.size()) + " size=" + std::to_string(dataReader_->size()));
  if (services_.events) services_.events->messageAccepted();
  if (services_.limits) services_.limits->charge(login_, envelope_.recipients.size());  // only once queued
  finishTransaction(Reply(250, "2.0.0", "Ok: queued as " + queueId));
}

}  // namespace postern::smtp
