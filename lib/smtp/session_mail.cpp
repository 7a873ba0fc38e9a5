// Session::Impl — MAIL, RCPT and the start of DATA: check the parsed argument, apply the sender policy,
// then change the transaction (STYLE.md §3). Client-chosen values in log lines go through core::logValue().
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "smtp/command_parser.h"
#include "smtp/session_impl.h"

namespace postern::smtp {

using core::Reply;

namespace {
// "Sending limit reached: 200 messages per hour for this account; try again later".
std::string limitText(std::uint64_t limit, const char* unit, const char* window) {
  return "Sending limit reached: " + std::to_string(limit) + " " + unit + (limit == 1 ? " " : "s ") + window +
         " for this account; try again later";
}
}  // namespace

void Session::Impl::mail(std::string_view argument) {
  if (state_ == SessionState::Mail || state_ == SessionState::Rcpt)
    return reply(Reply(503, "5.5.1", "Nested MAIL command"));  // RFC 5321 §4.1.4
  const auto parsed = parseMailFrom(argument);
  if (!parsed.ok()) return reply(parsed.error());
  const MailFrom& m = parsed.value();
  // RFC 1870 §6: refuse at MAIL a message the client already says is too large.
  if (m.size && *m.size > config_.maxMessageSize)
    return refuse(Reply(552, "5.3.4", "Message size exceeds fixed maximum message size"), Refusal::TooLarge);
  // Sender rules: a user sends only as addresses they own. The null sender is for bounces, which a
  // submission client never originates.
  // The addresses are read again for every transaction, so that removing an address or disabling the
  // user takes effect on connections that authenticated before the change.
  try {
    senders_ = services_.senders.sendersFor(login_);
  } catch (const std::exception& e) {
    out_.log(LogLevel::Error, "mail",
             "sender lookup failed for login=" + core::logValue(login_) + ": " + core::logValue(e.what()));
    return refuse(localFailure(), Refusal::LocalError);
  }
  if (!m.sender || !senders_.allows(*m.sender)) {
    const std::string shown = m.sender ? m.sender->str() : "";
    out_.log(
        LogLevel::Info, "rejected",
        "login=" + core::logValue(login_) + " sender " + core::logValue("<" + shown + ">") + " not owned");
    return refuse(Reply(553, "5.7.1", "<" + shown + ">: Sender address not owned by you"),
                  Refusal::SenderNotOwned);
  }
  if (!services_.spool.acceptingMail()) return refuse(insufficientStorage(), Refusal::Storage);
  if (!checkMessageLimit()) return;

  envelope_ = Envelope();
  recipientKeys_.clear();
  envelope_.sender = *m.sender;
  envelope_.login = login_;
  envelope_.clientAddress = connection_.clientAddress;
  envelope_.heloName = *helo_;
  envelope_.smtputf8 = m.smtputf8;
  envelope_.eightBitMime = m.body == BodyType::EightBitMime;
  keepDsnParameters(m);
  enter(SessionState::Mail);
  reply(Reply(250, "2.1.0", "Ok"));
}

void Session::Impl::rcpt(std::string_view argument) {
  if (state_ != SessionState::Mail && state_ != SessionState::Rcpt)
    return reply(Reply(503, "5.5.1", "Need MAIL before RCPT"));
  const auto parsed = parseRcptTo(argument, envelope_.smtputf8);
  if (!parsed.ok()) return reply(parsed.error());
  const mail::Address& recipient = parsed.value().recipient;
  auto& list = envelope_.recipients;
  // One key per RCPT and a hash lookup: comparing against every earlier recipient made a transaction with
  // smtp.max_recipients in the thousands quadratic.
  std::string key = recipient.key();
  if (!recipientKeys_.contains(key)) {
    // RFC 5321 §4.5.3.1.8: 452 tells the client to send the rest in another transaction.
    if (list.size() >= config_.maxRecipients) return reply(Reply(452, "4.5.3", "Too many recipients"));
    // Sending limits: the RCPTs past what is left of the day's recipients are refused, the earlier ones
    // stay accepted, so the message can still go to those.
    if (quota_ && quota_->recipientsLeft && list.size() >= *quota_->recipientsLeft)
      return limitRefused(SendingLimit::RecipientsPerDay,
                          limitText(quota_->recipientsPerDay, "recipient", "per day"));
    recipientKeys_.insert(std::move(key));
    list.push_back(recipient);
    envelope_.recipientDsn.push_back(parsed.value().dsn);  // a repeated recipient keeps its first NOTIFY
  }
  enter(SessionState::Rcpt);
  reply(Reply(250, "2.1.5", "Ok"));
}

bool Session::Impl::checkMessageLimit() {
  quota_.reset();
  if (!services_.limits) return true;
  try {
    quota_ = services_.limits->quotaFor(login_);
  } catch (const std::exception& e) {
    out_.log(
        LogLevel::Error, "mail",
        "sending limits lookup failed for login=" + core::logValue(login_) + ": " + core::logValue(e.what()));
    refuse(localFailure(), Refusal::LocalError);
    return false;
  }
  if (!quota_->messagesLeft || *quota_->messagesLeft > 0) return true;
  countRefusal(Refusal::SendingLimit);
  limitRefused(SendingLimit::MessagesPerHour, limitText(quota_->messagesPerHour, "message", "per hour"));
  return false;
}

// RFC 3463 §3.8: X.7.1, delivery not authorized; 451 because the limit frees up as the window slides.
void Session::Impl::limitRefused(SendingLimit limit, const std::string& text) {
  const bool messages = limit == SendingLimit::MessagesPerHour;
  out_.log(LogLevel::Warning, "limit",
           "login=" + core::logValue(login_) +
               " limit=" + (messages ? "messages_per_hour" : "recipients_per_day") +
               " max=" + std::to_string(messages ? quota_->messagesPerHour : quota_->recipientsPerDay) +
               " client=" + connection_.clientAddress);
  services_.limits->refused(login_, limit);
  reply(Reply(451, "4.7.1", text));
}

// RFC 3461 §4.3/§4.4: RET and ENVID go with the message; the queue honours them in its notices and passes
// them to a smarthost that offers DSN.
void Session::Impl::keepDsnParameters(const MailFrom& m) {
  envelope_.dsnReturn = m.ret;
  envelope_.envid = m.envid;
}

void Session::Impl::data(std::string_view argument) {
  if (!argument.empty()) return reply(Reply(501, "5.5.4", "Syntax: DATA"));
  if (state_ != SessionState::Mail && state_ != SessionState::Rcpt)
    return reply(Reply(503, "5.5.1", "Need MAIL command"));
  if (state_ == SessionState::Mail)
    return reply(Reply(554, "5.5.1", "No valid recipients"));  // RFC 5321 §3.3

  if (auto refusal = beginMessage(DataReader::Framing::DotTerminated))
    return refuse(refusal->reply, refusal->reason);
  enter(SessionState::Data);
  reply(Reply(354, "", "End data with <CR><LF>.<CR><LF>"));
}

}  // namespace postern::smtp
