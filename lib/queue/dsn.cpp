#include "queue/dsn.h"

#include "core/text.h"

namespace postern::queue {
namespace {

bool isAscii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "550 5.1.1 text" → "550"; empty when the reply does not start with a three-digit code.
std::string_view replyCode(std::string_view reply) {
  if (reply.size() < 3 || !isDigit(reply[0]) || !isDigit(reply[1]) || !isDigit(reply[2])) return {};
  if (reply.size() > 3 && reply[3] != ' ' && reply[3] != '-') return {};
  return reply.substr(0, 3);
}

// "5.1.1" after the reply code, when well formed (RFC 3463: class.subject.detail, 1-3 digits each).
std::string_view enhancedCode(std::string_view reply) {
  if (reply.size() < 5) return {};
  std::string_view rest = reply.substr(4);
  const auto end = rest.find(' ');
  const std::string_view code = rest.substr(0, end);
  int parts = 0;
  std::size_t digits = 0;
  for (const char c : code) {
    if (isDigit(c)) {
      if (++digits > 3) return {};
    } else if (c == '.' && digits > 0) {
      ++parts;
      digits = 0;
    } else {
      return {};
    }
  }
  if (parts != 2 || digits == 0) return {};
  return code;
}

// An address for a DSN field: "rfc822;bob@example.com", or the RFC 6533 utf-8 type when it is not ASCII.
std::string addressField(const Mailbox& m) {
  const std::string a = m.str();
  return (isAscii(a) ? "rfc822;" : "utf-8;") + a;
}

// DSN fields are header fields: keep CR and LF out of values that echo remote replies.
std::string oneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  return out;
}

const char* actionName(DsnAction action) {  // RFC 3464 §2.3.3
  switch (action) {
    case DsnAction::Failed:
      return "failed";
    case DsnAction::Relayed:
      return "relayed";
    case DsnAction::Delayed:
      break;
  }
  return "delayed";
}

std::string humanPart(const QueuedMessage& original, const DsnRequest& r) {
  std::string t;
  t += "This is the mail system at " + r.reportingMta + ".\r\n\r\n";
  if (r.action == DsnAction::Failed) {
    t += "Your message could not be delivered to the recipients listed below. It has been given up on;\r\n"
         "nothing more will be tried.\r\n";
  } else if (r.action == DsnAction::Relayed) {
    t += "Your message was handed on for the recipients listed below, as you asked to be told. The mail\r\n"
         "server it went to does not report delivery, so this is the last notice you will get about it.\r\n";
  } else {
    t += "Your message has not been delivered yet to the recipients listed below. This is only a warning:\r\n"
         "delivery will be tried again until " +
         core::rfc5322Date(r.retryUntil) +
         ",\r\n"
         "and you will be told if it finally fails. You do not need to send it again.\r\n";
  }
  t += "\r\nThe message was submitted on " + core::rfc5322Date(original.envelope.arrival) + " (queue ID " +
       original.id + ").\r\n\r\n";
  for (const auto& rcpt : r.recipients) {
    t += "<" + rcpt.address.str() + ">: ";
    if (rcpt.expired) t += "delivery time expired; last error: ";
    t += oneLine(rcpt.reply.empty() ? "no attempt was possible" : rcpt.reply) + "\r\n";
  }
  if (r.fullMessageTooLarge)
    t += "\r\nThe message was too large to return in full; only its header section is attached.\r\n";
  return t;
}

std::string statusPart(const QueuedMessage& original, const DsnRequest& r) {
  std::string s;
  // RFC 3464 §2.2.1: the ENVID exactly as given (decoded; printable ASCII, checked at MAIL).
  if (!original.envelope.envid.empty())
    s += "Original-Envelope-Id: " + oneLine(original.envelope.envid) + "\r\n";
  s += "Reporting-MTA: dns;" + r.reportingMta + "\r\n";
  s += "X-Postern-Queue-ID: " + original.id + "\r\n";
  s += "Arrival-Date: " + core::rfc5322Date(original.envelope.arrival) + "\r\n";
  for (const auto& rcpt : r.recipients) {
    s += "\r\n";
    // RFC 3464 §2.3.1: the ORCPT the client gave, type and address.
    if (!rcpt.orcptType.empty())
      s += "Original-Recipient: " + rcpt.orcptType + ";" + oneLine(rcpt.orcpt) + "\r\n";
    s += "Final-Recipient: " + addressField(rcpt.address) + "\r\n";
    s += std::string("Action: ") + actionName(r.action) + "\r\n";
    s += "Status: " + statusOf(rcpt.reply, rcpt.expired) + "\r\n";
    if (!r.remoteMta.empty()) s += "Remote-MTA: dns;" + r.remoteMta + "\r\n";
    if (!rcpt.reply.empty())
      s += std::string("Diagnostic-Code: ") + (replyCode(rcpt.reply).empty() ? "X-Postern;" : "smtp;") +
           oneLine(rcpt.reply) + "\r\n";
    s += "Last-Attempt-Date: " + core::rfc5322Date(r.now) + "\r\n";
    if (r.action == DsnAction::Delayed) s += "Will-Retry-Until: " + core::rfc5322Date(r.retryUntil) + "\r\n";
  }
  return s;
}

}  // namespace

std::string statusOf(std::string_view reply, bool expired) {
  const std::string_view code = replyCode(reply);
  if (code.empty()) return expired ? "4.4.7" : "4.4.1";
  const std::string_view enhanced = enhancedCode(reply);
  if (!enhanced.empty() && enhanced[0] == code[0]) return std::string(enhanced);
  if (code[0] == '2' || code[0] == '4' || code[0] == '5') return std::string(1, code[0]) + ".0.0";
  return "4.0.0";
}

std::string_view headerSection(std::string_view message, std::size_t limit) {
  if (message.substr(0, 2) == "\r\n") return {};
  const auto end = message.find("\r\n\r\n");
  std::string_view section = end == std::string_view::npos ? message : message.substr(0, end + 2);
  if (section.size() > limit) {
    // Cut at a line end so the part stays well formed.
    const auto lastLine = limit < 2 ? std::string_view::npos : section.rfind("\r\n", limit - 2);
    section = lastLine == std::string_view::npos ? std::string_view() : section.substr(0, lastLine + 2);
  }
  return section;
}

DsnMessage buildDsn(const QueuedMessage& original, std::string_view returned, const DsnRequest& r) {
  bool international = original.envelope.smtputf8 || !isAscii(original.envelope.sender.str());
  for (const auto& rcpt : r.recipients)
    international = international || !isAscii(rcpt.address.str()) || !isAscii(rcpt.orcpt);
  const bool eightBit = international || !isAscii(returned);
  const std::string boundary = "=_postern-dsn-" + r.notificationId;

  DsnMessage dsn;
  dsn.envelope.sender = Mailbox{};
  dsn.envelope.recipients = {Recipient::pending(original.envelope.sender)};
  dsn.envelope.login = "";
  dsn.envelope.smtputf8 = international;
  dsn.envelope.eightBitMime = eightBit;
  dsn.envelope.arrival = r.now;

  std::string& m = dsn.content;
  m += "From: Mail Delivery System <MAILER-DAEMON@" + r.reportingMta + ">\r\n";
  m += "To: <" + original.envelope.sender.str() + ">\r\n";
  switch (r.action) {
    case DsnAction::Failed:
      m += "Subject: Undelivered Mail Returned to Sender\r\n";
      break;
    case DsnAction::Relayed:
      m += "Subject: Successful Mail Delivery Report\r\n";
      break;
    case DsnAction::Delayed:
      m += "Subject: Delayed Mail (still being retried)\r\n";
      break;
  }
  m += "Date: " + core::rfc5322Date(r.now) + "\r\n";
  m += "Message-ID: <" + r.notificationId + "@" + r.reportingMta + ">\r\n";
  m += "Auto-Submitted: auto-replied\r\n";  // RFC 3834: no auto-responder answers this
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n";
  if (eightBit) m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "\r\nThis is a MIME-encapsulated message.\r\n\r\n";

  m += "--" + boundary + "\r\n";
  m += "Content-Description: Notification\r\nContent-Type: text/plain; charset=utf-8\r\n";
  if (eightBit) m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "\r\n" + humanPart(original, r) + "\r\n";

  m += "--" + boundary + "\r\n";
  m += "Content-Description: Delivery report\r\n";
  m += international ? "Content-Type: message/global-delivery-status\r\n"
                     : "Content-Type: message/delivery-status\r\n";
  if (eightBit) m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "\r\n" + statusPart(original, r) + "\r\n";

  m += "--" + boundary + "\r\n";
  const char* what = r.action == DsnAction::Failed    ? "Undelivered message"
                     : r.action == DsnAction::Relayed ? "Relayed message"
                                                      : "Delayed message";
  if (r.fullMessage) {  // RFC 3461 §4.3 RET=FULL; RFC 6533 §3 message/global for an international one
    m += std::string("Content-Description: ") + what + "\r\n";
    m += international ? "Content-Type: message/global\r\n" : "Content-Type: message/rfc822\r\n";
  } else {
    m += std::string("Content-Description: ") + what + " headers\r\n";
    m += international ? "Content-Type: message/global-headers\r\n" : "Content-Type: text/rfc822-headers\r\n";
  }
  if (eightBit) m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "\r\n";
  m += returned;
  if (!returned.empty() && returned.substr(returned.size() - 2) != "\r\n") m += "\r\n";
  m += "\r\n--" + boundary + "--\r\n";
  return dsn;
}

}  // namespace postern::queue
