#include "admin/test_message.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <ctime>

#include "core/error.h"
#include "core/text.h"
#include "mail/address.h"

namespace postern::admin {

namespace {

// Accepts exactly one login, whatever is sent: only TestMessages holds one, for a login it chose.
class ChosenLogin final : public smtp::Authenticator {
 public:
  explicit ChosenLogin(std::string login) : login_(std::move(login)) {}
  std::vector<std::string> mechanisms() const override { return {"PLAIN"}; }
  smtp::AuthOutcome start(const std::string&, const std::optional<std::string>&) override {
    smtp::AuthOutcome outcome;
    outcome.status = smtp::AuthOutcome::Status::Success;
    outcome.login = login_;
    return outcome;
  }
  smtp::AuthOutcome step(const std::string&) override { return {}; }
  void reset() override {}
  void tlsEstablished(unsigned) override {}

 private:
  std::string login_;
};

class Transcript final : public smtp::SessionOutput {
 public:
  void send(const core::Reply& reply) override { replies.push_back(reply); }
  void startTls() override {}
  void pause(std::chrono::milliseconds) override {}
  void log(smtp::LogLevel level, std::string_view event, std::string_view detail) override {
    if (level == smtp::LogLevel::Warning || level == smtp::LogLevel::Error)
      Poco::Logger::get("admin").warning("test message: " + std::string(event) + " " + std::string(detail));
  }
  std::vector<core::Reply> replies;
};

// Learns the queue ID of the message the session commits.
class RecordingSpool final : public smtp::Spool {
 public:
  explicit RecordingSpool(smtp::Spool& spool) : spool_(spool) {}
  bool acceptingMail() const override { return spool_.acceptingMail(); }
  std::unique_ptr<smtp::MessageWriter> begin(const smtp::Envelope& envelope) override {
    auto writer = spool_.begin(envelope);
    queueId = writer->queueId();
    return writer;
  }
  std::string queueId;

 private:
  smtp::Spool& spool_;
};

std::string text(const core::Reply& reply) {
  std::string out = std::to_string(reply.code);
  if (!reply.enhanced.empty()) out += " " + reply.enhanced;
  for (const auto& line : reply.lines) out += " " + line;
  return out;
}

mail::Address requireAddress(const std::string& field, const std::string& value) {
  // A CR or LF would end the command it is put in and start another.
  const bool controls = std::any_of(value.begin(), value.end(),
                                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  const auto address = controls ? std::nullopt : mail::parseMailbox(value);
  if (!address) throw core::InvalidValue(field, "not an e-mail address: " + core::printable(value));
  return *address;
}

std::string rfc5322Date(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buffer;
}

}  // namespace

std::string TestMessages::compose(const TestMessageRequest& request,
                                  std::chrono::system_clock::time_point now) {
  const std::string when = rfc5322Date(now);
  std::string message;
  message += "From: <" + request.from + ">\r\n";
  message += "To: <" + request.to + ">\r\n";
  message += "Subject: Postern test message\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=utf-8\r\n";
  message += "\r\n";
  message += "This is a test message from Postern, sent from the admin page";
  message += request.adminLogin.empty() ? std::string() : " by " + request.adminLogin;
  message += " on " + when + ".\r\n\r\n";
  message += "It was submitted as " + request.from +
             " through the same checks as any mail client's message: sender address, DKIM signature, "
             "queue and smarthost.\r\n";
  message += "If you can read it, mail from this address reaches " + request.to + ".\r\n";
  return message;
}

TestMessageResult TestMessages::send(const TestMessageRequest& request) {
  const mail::Address from = requireAddress("from", request.from);
  requireAddress("to", request.to);
  const std::vector<std::string> logins = users_.loginsAllowedToSend(from.str());
  if (logins.empty())
    throw core::InvalidValue("from", "no enabled user may send as " + core::printable(request.from) +
                                         ": add it to a user's sender addresses first");

  ChosenLogin authenticator(logins.front());
  RecordingSpool spool(spool_);
  Transcript transcript;
  smtp::ConnectionInfo connection;
  connection.clientAddress = request.clientAddress.empty() ? "127.0.0.1" : request.clientAddress;
  connection.implicitTls = true;
  connection.tls = smtp::TlsInfo{"TLSv1.3", "admin-ui", 256};
  smtp::Session session(config_, connection,
                        smtp::SessionServices{authenticator, senders_, spool, clock_, signer_}, transcript);

  auto step = [&](const std::string& bytes) -> const core::Reply& {
    const std::size_t before = transcript.replies.size();
    session.feed(bytes);
    if (transcript.replies.size() == before)
      throw core::Error::temporary("test message: the SMTP session gave no reply");
    return transcript.replies.back();
  };
  session.start();
  if (transcript.replies.empty() || transcript.replies.back().code != 220)
    throw core::Error::temporary("test message: the SMTP session did not start");
  if (const auto& r = step("EHLO " + config_.hostname + "\r\n"); r.code != 250)
    throw core::Error::temporary("test message: EHLO answered " + text(r));
  if (const auto& r = step("AUTH PLAIN =\r\n"); r.code != 235)
    throw core::Error::temporary("test message: AUTH answered " + text(r));
  if (const auto& r = step("MAIL FROM:<" + request.from + ">\r\n"); r.code != 250) {
    if (r.transient()) throw core::Error::temporary(text(r));
    throw core::InvalidValue("from", text(r));
  }
  if (const auto& r = step("RCPT TO:<" + request.to + ">\r\n"); r.code != 250 && r.code != 251) {
    if (r.transient()) throw core::Error::temporary(text(r));
    throw core::InvalidValue("to", text(r));
  }
  if (const auto& r = step("DATA\r\n"); r.code != 354) throw core::Error::temporary(text(r));
  // compose() writes no line that starts with a dot: nothing to stuff.
  const core::Reply& queued = step(compose(request, clock_.now()) + ".\r\n");
  if (queued.code != 250) {
    if (queued.transient()) throw core::Error::temporary(text(queued));
    throw core::InvalidValue("from", text(queued));  // header From binding or a missing DKIM key
  }
  session.feed("QUIT\r\n");
  return TestMessageResult{spool.queueId, logins.front()};
}

}  // namespace postern::admin
