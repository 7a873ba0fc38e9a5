// ClientSession::send() — one MAIL/RCPT/DATA transaction and how each reply decides each recipient. With a
// smarthost that offers CHUNKING the content goes as BDAT chunks instead of DATA (bdat_sender.h).
#include <optional>
#include <utility>

#include "core/xtext.h"
#include "relay/bdat_sender.h"
#include "relay/body_file.h"
#include "relay/client_session.h"
#include "relay/data_encoder.h"

namespace postern::relay {

namespace {

constexpr std::size_t kContentChunk = 64 * 1024;
constexpr std::size_t kMaxOrcptValue = 500;            // RFC 3461 §4.2
constexpr std::size_t kPipelineBatchBytes = 8 * 1024;  // RFC 2920 §3.1: stay below the socket buffers so
                                                       // neither side blocks writing while the other does

bool hasControlCharacter(std::string_view address) {
  for (const char c : address)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

Outcome classify(const ServerReply& reply) {
  if (reply.positive()) return Outcome::Delivered;
  if (reply.permanent()) return Outcome::Failed;
  return Outcome::Deferred;  // 4xx, and anything out of place (a 3xx where none belongs) is not final
}

}  // namespace

class ClientSession::Transaction {
 public:
  Transaction(ClientSession& session, const OutboundMessage& message, BodyFile& body)
      : session_(session), message_(message), body_(body), results_(message.recipients.size()) {}

  TransactionResult run() {
    if (auto refusal = precheck()) {
      decideRest(refusal->first, refusal->second);
      return finish();
    }
    try {
      exchangeEnvelope();
      if (chunking()) {
        if (!stopped_ && !accepted_.empty() && session_.usable()) sendChunks();
      } else if (dataAccepted_) {
        sendContent();
      }
    } catch (const SessionError& e) {
      decideRest(Outcome::Deferred, e.what());
    }
    decideRest(Outcome::Deferred, "no reply from " + session_.name_ + " decided this recipient");
    return finish();
  }

 private:
  enum class Kind { Mail, Rcpt, Data };
  struct Command {
    Kind kind;
    std::size_t recipient = 0;
    std::string line;
  };

  // Refusals known before anything is sent: nothing the smarthost could say would change them.
  std::optional<std::pair<Outcome, std::string>> precheck() {
    const Extensions& ext = session_.extensions_;
    // A HELO-only server has neither 8BITMIME nor SMTPUTF8, and Postern does not rewrite a message into
    // 7 bits. That is the smarthost's configuration, which an administrator can fix (or route around)
    // before the message expires: deferred, not bounced.
    if (session_.heloOnly_ && (message_.smtputf8 || message_.eightBitMime))
      return std::pair{Outcome::Deferred,
                       "451 4.3.5 " + session_.heloOnlyNote() + ", so it cannot take this " +
                           (message_.smtputf8 ? "SMTPUTF8 (internationalised)" : "8BITMIME (8-bit)") +
                           " message"};
    if (message_.smtputf8 && !ext.smtputf8)
      return std::pair{Outcome::Failed, "550 5.6.7 smarthost does not support SMTPUTF8"};  // RFC 6531 §3.5
    if (ext.sizeLimit && messageSize() > *ext.sizeLimit)
      return std::pair{Outcome::Failed, "552 5.3.4 message too big for the smarthost"};
    if (hasControlCharacter(message_.sender))
      return std::pair{Outcome::Failed, "501 5.1.7 bad sender address syntax"};
    for (std::size_t i = 0; i < message_.recipients.size(); ++i)
      if (hasControlCharacter(message_.recipients[i]))
        results_[i] = RecipientResult{Outcome::Failed, "501 5.1.3 bad recipient address syntax"};
    return std::nullopt;
  }

  std::uint64_t messageSize() const { return message_.prefix.size() + body_.size(); }

  std::string mailCommand() const {
    const Extensions& ext = session_.extensions_;
    std::string line = "MAIL FROM:<" + message_.sender + ">";
    if (ext.size) line += " SIZE=" + std::to_string(messageSize());           // RFC 1870 §6
    if (message_.eightBitMime && ext.eightBitMime) line += " BODY=8BITMIME";  // RFC 6152 §3
    if (message_.smtputf8) line += " SMTPUTF8";                               // RFC 6531 §3.4
    if (ext.dsn) {                                                            // RFC 3461 §4.3, §4.4
      if (!message_.dsnReturn.empty()) line += " RET=" + message_.dsnReturn;
      if (!message_.envid.empty()) line += " ENVID=" + core::xtextEncode(message_.envid);
    }
    return line;
  }

  // RFC 3461 §4.1, §4.2: NOTIFY and ORCPT for a smarthost that offers DSN, re-encoded as xtext.
  std::string rcptParameters(std::size_t i) const {
    if (!session_.extensions_.dsn || i >= message_.recipientDsn.size()) return {};
    const OutboundMessage::RecipientDsn& dsn = message_.recipientDsn[i];
    std::string out;
    if (!dsn.notify.empty()) out += " NOTIFY=" + dsn.notify;
    if (!dsn.orcptType.empty()) {
      const std::optional<std::string> encoded = dsn.orcptType == "utf-8"
                                                     ? core::utf8AddrXtextEncode(dsn.orcpt)
                                                     : std::optional(core::xtextEncode(dsn.orcpt));
      const std::string value = dsn.orcptType + ";" + encoded.value_or("");
      // An address the encodings cannot carry, or too long once re-encoded, is left out: ORCPT is a hint.
      if (encoded && !encoded->empty() && value.size() <= kMaxOrcptValue) out += " ORCPT=" + value;
    }
    return out;
  }

  std::vector<Command> envelope() const {
    std::vector<Command> commands{{Kind::Mail, 0, mailCommand()}};
    for (std::size_t i = 0; i < message_.recipients.size(); ++i)
      if (!results_[i])
        commands.push_back({Kind::Rcpt, i, "RCPT TO:<" + message_.recipients[i] + ">" + rcptParameters(i)});
    if (!chunking()) commands.push_back({Kind::Data, 0, "DATA"});  // BDAT comes after the replies
    return commands;
  }

  // Without PIPELINING one command per round trip; with it, as many as fit in a batch (RFC 2920 §3.1),
  // DATA last, replies read in order.
  void exchangeEnvelope() {
    const std::vector<Command> commands = envelope();
    if (commands.size() == (chunking() ? 1 : 2)) return;  // no valid recipient: nothing to send
    const std::size_t batchBytes = session_.extensions_.pipelining ? kPipelineBatchBytes : 0;
    std::size_t next = 0;
    while (next < commands.size() && !stopped_) {
      if (commands[next].kind == Kind::Data && accepted_.empty())
        return;  // RFC 5321 §3.3: no DATA without a recipient
      std::size_t end = next;
      std::string batch;
      do {
        batch += commands[end].line + "\r\n";
        ++end;
      } while (end < commands.size() && batch.size() + commands[end].line.size() + 2 <= batchBytes);
      const Deadline deadline = deadlineIn(session_.settings_.commandTimeout);
      session_.write(batch, phaseOf(commands[next]), deadline);
      for (std::size_t i = next; i < end; ++i) {
        const ServerReply reply =
            session_.readReply(phaseOf(commands[i]), deadlineIn(session_.settings_.commandTimeout));
        handle(commands[i], reply);
        if (reply.code == 421 || !session_.usable()) {
          decideRest(Outcome::Deferred, reply.oneLine());
          return;
        }
      }
      next = end;
    }
  }

  static const char* phaseOf(const Command& command) {
    switch (command.kind) {
      case Kind::Mail:
        return "sending MAIL FROM";
      case Kind::Rcpt:
        return "sending RCPT TO";
      case Kind::Data:
        return "sending DATA";
    }
    return "";
  }

  void handle(const Command& command, const ServerReply& reply) {
    switch (command.kind) {
      case Kind::Mail:
        onMail(reply);
        break;
      case Kind::Rcpt:
        onRcpt(command.recipient, reply);
        break;
      case Kind::Data:
        onData(reply);
        break;
    }
  }

  void onMail(const ServerReply& reply) {
    if (reply.positive()) return;
    mailRefused_ = true;
    stopped_ = true;  // later batches are not sent; replies to this one's RCPTs (503) are ignored
    decideRest(classify(reply), session_.redact(reply.oneLine()));
    // A smarthost that is busy or short of resources (4xx before any RCPT) is a host problem: another
    // smarthost may take the message at once.
    tryNextHost_ = reply.transient();
  }

  void onRcpt(std::size_t recipient, const ServerReply& reply) {
    if (mailRefused_ || results_[recipient]) return;
    if (reply.positive()) {
      accepted_.push_back(recipient);
      return;
    }
    results_[recipient] = RecipientResult{classify(reply), session_.redact(reply.oneLine())};
  }

  void onData(const ServerReply& reply) {
    if (mailRefused_ || accepted_.empty()) {
      // RFC 2920 §3.1: the server must refuse a pipelined DATA when no RCPT succeeded. One that starts a
      // mail transaction anyway gets an empty message ended at once, which nobody receives.
      if (reply.code == 354) {
        const Deadline deadline = deadlineIn(session_.settings_.dataTimeout);
        session_.write(".\r\n", "sending end of data", deadline);
        session_.readReply("waiting for the reply to end of data", deadline);
      }
      return;
    }
    if (reply.code == 354) {
      dataAccepted_ = true;
      return;
    }
    decideAccepted(reply.code / 100 == 3 ? Outcome::Deferred : classify(reply),
                   session_.redact(reply.oneLine()));
  }

  void sendContent() {
    const auto timeout = session_.settings_.dataTimeout;
    DataEncoder encoder;
    std::string out;
    encoder.encode(message_.prefix, out);
    std::string chunk;
    for (std::uint64_t offset = 0;;) {
      try {
        body_.read(offset, kContentChunk, chunk);
      } catch (const std::exception& e) {
        // Ending the data now would deliver a truncated message: drop the connection instead.
        session_.usable_ = false;
        session_.transport_.close();
        throw SessionError(e.what());
      }
      if (chunk.empty()) break;
      offset += chunk.size();
      encoder.encode(chunk, out);
      if (out.size() >= kContentChunk) {
        session_.write(out, "sending the message content", deadlineIn(timeout));  // a stall timeout per write
        out.clear();
      }
    }
    encoder.finish(out);
    session_.write(out, "sending the message content", deadlineIn(timeout));
    const ServerReply reply = session_.readReply(
        "waiting for the reply to end of data (the message may be delivered twice)", deadlineIn(timeout));
    decideAccepted(reply.code / 100 == 3 ? Outcome::Deferred : classify(reply),
                   session_.redact(reply.oneLine()));
  }

  bool chunking() const { return session_.extensions_.chunking; }

  // RFC 3030: the chunks once the envelope's replies are in, so no content is sent without a recipient. A
  // refused chunk decides the accepted recipients as a refused DATA or end of data would.
  void sendChunks() {
    const auto timeout = session_.settings_.dataTimeout;
    const BdatLink link{[&](std::string_view bytes) {
                          session_.write(bytes, "sending the message content (BDAT)", deadlineIn(timeout));
                        },
                        [&](bool last) {
                          return session_.readReply(
                              last ? "waiting for the reply to BDAT LAST (the message may be delivered twice)"
                                   : "waiting for the reply to a BDAT chunk",
                              deadlineIn(timeout));
                        }};
    ServerReply reply;
    try {
      reply = sendChunked(message_.prefix, body_, link, session_.extensions_.pipelining);
    } catch (const SessionError&) {
      throw;
    } catch (const std::exception& e) {
      // The announced size can no longer be met: the smarthost would read what follows as content.
      session_.usable_ = false;
      session_.transport_.close();
      throw SessionError(e.what());
    }
    decideAccepted(reply.code / 100 == 3 ? Outcome::Deferred : classify(reply),
                   session_.redact(reply.oneLine()));
  }

  void decideAccepted(Outcome outcome, const std::string& reply) {
    for (const std::size_t i : accepted_)
      if (!results_[i]) results_[i] = RecipientResult{outcome, reply};
  }

  void decideRest(Outcome outcome, const std::string& reply) {
    for (auto& result : results_)
      if (!result) result = RecipientResult{outcome, reply};
  }

  TransactionResult finish() {
    TransactionResult out;
    out.tryNextHost = tryNextHost_;
    out.dsnPassedOn = session_.extensions_.dsn;
    out.recipients.reserve(results_.size());
    for (auto& result : results_) out.recipients.push_back(std::move(*result));
    return out;
  }

  ClientSession& session_;
  const OutboundMessage& message_;
  BodyFile& body_;
  std::vector<std::optional<RecipientResult>> results_;
  std::vector<std::size_t> accepted_;
  bool mailRefused_ = false;
  bool stopped_ = false;
  bool dataAccepted_ = false;
  bool tryNextHost_ = false;
};

TransactionResult ClientSession::send(const OutboundMessage& message, BodyFile& body) {
  return Transaction(*this, message, body).run();
}

}  // namespace postern::relay
