#include "queue/envelope_format.h"

#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

namespace postern::queue {
namespace {

constexpr std::string_view kFirstLine = "postern-envelope 2";
constexpr std::string_view kFirstLineVersion1 = "postern-envelope 1";
constexpr char kHexDigits[] = "0123456789ABCDEF";

// Space and controls would split or end a line; '%' is the escape itself; '@' separates mailbox parts.
bool needsEscape(unsigned char c, bool mailboxPart) {
  return c <= 0x20 || c == 0x7F || c == '%' || (mailboxPart && c == '@');
}

void appendEscaped(std::string& out, std::string_view value, bool mailboxPart = false) {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (needsEscape(c, mailboxPart)) {
      out += '%';
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0x0F];
    } else {
      out += ch;
    }
  }
}

void appendMailbox(std::string& out, const Mailbox& mailbox) {
  if (mailbox.isNull()) {
    out += "<>";
    return;
  }
  appendEscaped(out, mailbox.local, true);
  out += '@';
  appendEscaped(out, mailbox.domain, true);
}

void appendField(std::string& out, std::string_view key, std::string_view encodedValue) {
  out += key;
  if (!encodedValue.empty()) {
    out += ' ';
    out += encodedValue;
  }
  out += '\n';
}

std::string escaped(std::string_view value) {
  std::string out;
  appendEscaped(out, value);
  return out;
}

// ---- decoding -------------------------------------------------------------------------------------------

// RFC 3461 NOTIFY bits as the envelope writes them.
constexpr std::pair<unsigned, std::string_view> kNotifyNames[] = {{notify::kNever, "never"},
                                                                  {notify::kSuccess, "success"},
                                                                  {notify::kFailure, "failure"},
                                                                  {notify::kDelay, "delay"}};

std::string notifyText(unsigned bits) {
  std::string out;
  for (const auto& [bit, name] : kNotifyNames)
    if (bits & bit) {
      if (!out.empty()) out += ',';
      out += name;
    }
  return out;
}

std::string_view dsnReturnName(DsnReturn ret) { return ret == DsnReturn::Full ? "full" : "hdrs"; }

class Decoder {
 public:
  Decoder(std::size_t lineNumber, int version) : line_(lineNumber), version_(version) {}

  // Fields and attributes that version 1 did not have are refused in a version 1 file.
  void requireVersion2() const {
    if (version_ < 2) fail("DSN data in a version 1 envelope");
  }

  unsigned notifyBits(std::string_view token) const {
    requireVersion2();
    unsigned bits = 0;
    while (true) {
      const auto comma = token.find(',');
      const auto item = token.substr(0, comma);
      unsigned bit = 0;
      for (const auto& [b, name] : kNotifyNames)
        if (name == item) bit = b;
      if (bit == 0 || (bits & bit)) fail("bad notify= value");
      bits |= bit;
      if (comma == std::string_view::npos) break;
      token.remove_prefix(comma + 1);
    }
    if ((bits & notify::kNever) && bits != notify::kNever) fail("notify=never with other values");
    return bits;
  }

  DsnReturn dsnReturn(std::string_view token) const {
    requireVersion2();
    if (token == "full") return DsnReturn::Full;
    if (token == "hdrs") return DsnReturn::Headers;
    fail("bad dsn-ret value");
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw MalformedEnvelope("envelope line " + std::to_string(line_) + ": " + why);
  }

  int hexValue(char c) const {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    fail("bad escape");
  }

  std::string unescape(std::string_view token, bool mailboxPart = false) const {
    std::string out;
    out.reserve(token.size());
    for (std::size_t i = 0; i < token.size(); ++i) {
      const auto c = static_cast<unsigned char>(token[i]);
      if (c == '%') {
        if (i + 2 >= token.size()) fail("truncated escape");
        out += static_cast<char>(hexValue(token[i + 1]) * 16 + hexValue(token[i + 2]));
        i += 2;
      } else if (needsEscape(c, mailboxPart)) {
        fail("unescaped byte " + std::to_string(c));
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  }

  Mailbox mailbox(std::string_view token) const {
    if (token == "<>") return {};
    const auto at = token.find('@');
    if (at == std::string_view::npos || token.find('@', at + 1) != std::string_view::npos) {
      fail("mailbox needs exactly one unescaped '@'");
    }
    Mailbox m{unescape(token.substr(0, at), true), unescape(token.substr(at + 1), true)};
    if (m.isNull()) fail("null mailbox must be written <>");
    return m;
  }

  bool flag(std::string_view token) const {
    if (token == "yes") return true;
    if (token == "no") return false;
    fail("expected yes or no");
  }

  template <typename Integer>
  Integer number(std::string_view token) const {
    Integer value{};
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc() || end != token.data() + token.size()) fail("bad number");
    return value;
  }

  Recipient recipient(std::string_view value) const {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    for (;;) {
      const auto space = value.find(' ', start);
      tokens.push_back(
          value.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
    Recipient r = Recipient::pending(mailbox(tokens.front()));
    // RFC 5321 §4.1.1.3: a forward-path is never the null path; only the sender may be "<>".
    if (r.address.isNull()) fail("recipient cannot be the null path <>");
    bool stateSeen = false, replySeen = false, notifiedSeen = false, notifySeen = false, orcptSeen = false,
         relayedSeen = false;
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const auto eq = tokens[i].find('=');
      if (eq == std::string_view::npos) fail("recipient attribute without '='");
      const auto name = tokens[i].substr(0, eq);
      const auto attribute = tokens[i].substr(eq + 1);
      if (name == "state" && !stateSeen) {
        stateSeen = true;
        const auto state = deliveryStateFromName(attribute);
        if (!state) fail("unknown delivery state");
        r.state = *state;
      } else if (name == "reply" && !replySeen) {
        replySeen = true;
        r.reply = unescape(attribute);
      } else if (name == "notified" && !notifiedSeen) {
        notifiedSeen = true;
        r.notified = flag(attribute);
      } else if (name == "notify" && !notifySeen) {
        notifySeen = true;
        r.notify = notifyBits(attribute);
      } else if (name == "orcpt" && !orcptSeen) {
        orcptSeen = true;
        requireVersion2();
        const auto semicolon = attribute.find(';');
        if (semicolon == std::string_view::npos) fail("orcpt= without type");
        r.orcptType = attribute.substr(0, semicolon);
        if (r.orcptType != "rfc822" && r.orcptType != "utf-8") fail("unknown orcpt= type");
        r.orcpt = unescape(attribute.substr(semicolon + 1));
        if (r.orcpt.empty()) fail("empty orcpt= address");
      } else if (name == "relayed" && !relayedSeen) {
        relayedSeen = true;
        requireVersion2();
        r.relayed = flag(attribute);
      } else {
        fail("unknown or repeated recipient attribute");
      }
    }
    if (!stateSeen) fail("recipient without state");
    return r;
  }

 private:
  std::size_t line_;
  int version_;
};

// Arrival seconds beyond this overflow system_clock's nanosecond time_point (year 2262).
constexpr std::int64_t kLatestArrival = 9'000'000'000;

struct Field {
  std::string_view key;
  void (*apply)(const Decoder& d, std::string_view value, QueuedMessage& m);
};

std::chrono::system_clock::time_point timestamp(const Decoder& d, std::string_view v) {
  const auto seconds = d.number<std::int64_t>(v);
  if (seconds < 0 || seconds > kLatestArrival) d.fail("time out of range");
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::string timestampText(std::chrono::system_clock::time_point t) {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

// Every field except rcpt, which may repeat. The first kRequiredFields are required; the delivery progress
// after them is optional (envelopes written before delivery existed lack it: it reads as the zero state).
constexpr Field kFields[] = {
    {"id", [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.id = d.unescape(v); }},
    {"arrival",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.arrival = timestamp(d, v); }},
    {"sender",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.sender = d.mailbox(v); }},
    {"login",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.login = d.unescape(v); }},
    {"client", [](const Decoder& d, std::string_view v,
                  QueuedMessage& m) { m.envelope.clientAddress = d.unescape(v); }},
    {"helo",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.heloName = d.unescape(v); }},
    {"smtputf8",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.smtputf8 = d.flag(v); }},
    {"8bitmime",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.eightBitMime = d.flag(v); }},
    {"body-size",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.bodySize = d.number<std::uint64_t>(v); }},
    {"headers",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.prependedHeaders = d.unescape(v); }},
    {"attempts", [](const Decoder& d, std::string_view v,
                    QueuedMessage& m) { m.progress.attempts = d.number<unsigned>(v); }},
    {"last-attempt", [](const Decoder& d, std::string_view v,
                        QueuedMessage& m) { m.progress.lastAttempt = timestamp(d, v); }},
    {"next-attempt", [](const Decoder& d, std::string_view v,
                        QueuedMessage& m) { m.progress.nextAttempt = timestamp(d, v); }},
    {"remote",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.progress.remote = d.unescape(v); }},
    {"delay-warned",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.progress.delayWarned = d.flag(v); }},
    // Version 2: RFC 3461 RET and ENVID, present only when the client gave them.
    {"dsn-ret",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) { m.envelope.dsnReturn = d.dsnReturn(v); }},
    {"dsn-envid",
     [](const Decoder& d, std::string_view v, QueuedMessage& m) {
       d.requireVersion2();
       m.envelope.envid = d.unescape(v);
       if (m.envelope.envid.empty()) d.fail("empty dsn-envid");
     }},
};
constexpr unsigned kRequiredFields = 10;  // id .. headers

}  // namespace

std::string encodeEnvelope(const QueuedMessage& message) {
  const EnvelopeData& e = message.envelope;
  std::string out;
  out.reserve(512 + message.prependedHeaders.size() * 2);
  out += kFirstLine;
  out += '\n';
  appendField(out, "id", escaped(message.id));
  appendField(out, "arrival", timestampText(e.arrival));
  std::string sender;
  appendMailbox(sender, e.sender);
  appendField(out, "sender", sender);
  appendField(out, "login", escaped(e.login));
  appendField(out, "client", escaped(e.clientAddress));
  appendField(out, "helo", escaped(e.heloName));
  appendField(out, "smtputf8", e.smtputf8 ? "yes" : "no");
  appendField(out, "8bitmime", e.eightBitMime ? "yes" : "no");
  if (e.dsnReturn != DsnReturn::Unspecified) appendField(out, "dsn-ret", dsnReturnName(e.dsnReturn));
  if (!e.envid.empty()) appendField(out, "dsn-envid", escaped(e.envid));
  appendField(out, "body-size", std::to_string(message.bodySize));
  for (const Recipient& r : e.recipients) {
    std::string value;
    appendMailbox(value, r.address);
    value += " state=";
    value += deliveryStateName(r.state);
    if (!r.reply.empty()) {
      value += " reply=";
      appendEscaped(value, r.reply);
    }
    if (r.notified) value += " notified=yes";
    if (r.notify != 0) value += " notify=" + notifyText(r.notify);
    if (!r.orcptType.empty()) {
      value += " orcpt=" + r.orcptType + ";";
      appendEscaped(value, r.orcpt);
    }
    if (r.relayed) value += " relayed=yes";
    appendField(out, "rcpt", value);
  }
  appendField(out, "headers", escaped(message.prependedHeaders));
  const DeliveryProgress& p = message.progress;
  appendField(out, "attempts", std::to_string(p.attempts));
  appendField(out, "last-attempt", timestampText(p.lastAttempt));
  appendField(out, "next-attempt", timestampText(p.nextAttempt));
  appendField(out, "remote", escaped(p.remote));
  appendField(out, "delay-warned", p.delayWarned ? "yes" : "no");
  out += "end\n";
  return out;
}

QueuedMessage decodeEnvelope(std::string_view text) {
  if (text.empty() || text.back() != '\n') throw MalformedEnvelope("envelope truncated: no final newline");
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const auto lf = text.find('\n', start);
    lines.push_back(text.substr(start, lf - start));
    start = lf + 1;
  }
  int version = 0;
  if (lines.front() == kFirstLine) version = 2;
  if (lines.front() == kFirstLineVersion1) version = 1;
  if (version == 0) throw MalformedEnvelope("not a version 1 or 2 envelope");

  QueuedMessage m;
  // Each singleton field must appear exactly once; the bit per field catches duplicates and omissions.
  unsigned seen = 0;
  bool ended = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const Decoder d(i + 1, version);
    if (ended) d.fail("data after end");
    const auto line = lines[i];
    if (line == "end") {
      ended = true;
      continue;
    }
    const auto space = line.find(' ');
    const auto key = line.substr(0, space);
    const auto value = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (key == "rcpt") {
      m.envelope.recipients.push_back(d.recipient(value));
      continue;
    }
    std::size_t k = 0;
    while (k < std::size(kFields) && kFields[k].key != key) ++k;
    if (k == std::size(kFields)) d.fail("unknown field");
    if (seen & (1u << k)) d.fail("repeated field");
    seen |= 1u << k;
    kFields[k].apply(d, value, m);
  }
  if (!ended) throw MalformedEnvelope("envelope truncated: no end line");
  constexpr unsigned kRequired = (1u << kRequiredFields) - 1;
  if ((seen & kRequired) != kRequired) throw MalformedEnvelope("envelope lacks a required field");
  if (m.envelope.recipients.empty()) throw MalformedEnvelope("envelope has no recipients");
  if (m.id.empty()) throw MalformedEnvelope("envelope has an empty id");
  return m;
}

std::string_view deliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::Delivered:
      return "delivered";
    case DeliveryState::Failed:
      return "failed";
    case DeliveryState::Pending:
      break;
  }
  return "pending";
}

std::optional<DeliveryState> deliveryStateFromName(std::string_view name) {
  for (const auto s : {DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed})
    if (deliveryStateName(s) == name) return s;
  return std::nullopt;
}

}  // namespace postern::queue
