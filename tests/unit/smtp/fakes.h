// Fakes for the ports of smtp::Session (lib/smtp/ports.h): a recording SessionOutput, a scripted
// authenticator with a user table, a sender directory, a spool that records what it is given and can
// be told to fail, and a clock the test sets. Plus Harness, which wires them to a Session.
#pragma once

#include <chrono>
#include <map>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/reply.h"
#include "core/text.h"
#include "smtp/ports.h"
#include "smtp/session.h"
#include "support/fake_clock.h"

namespace postern::smtp::test {

class RecordingOutput final : public SessionOutput {
 public:
  struct LogLine {
    LogLevel level;
    std::string event;
    std::string detail;
  };
  // Everything in order, for transcripts: rendered replies and "-- action" markers.
  std::vector<std::string> events;
  std::vector<core::Reply> replies;
  std::vector<LogLine> logs;
  std::vector<std::chrono::milliseconds> pauses;
  int startTlsCalls = 0;

  void send(const core::Reply& reply) override {
    replies.push_back(reply);
    events.push_back(reply.render());
  }
  void startTls() override {
    ++startTlsCalls;
    events.push_back("-- starttls\n");
  }
  void pause(std::chrono::milliseconds delay) override {
    pauses.push_back(delay);
    events.push_back("-- pause " + std::to_string(delay.count()) + "ms\n");
  }
  void log(LogLevel level, std::string_view event, std::string_view detail) override {
    logs.push_back({level, std::string(event), std::string(detail)});
  }

  const core::Reply& last() const { return replies.back(); }
  std::string lastText() const { return replies.empty() ? "" : replies.back().render(); }
  // All log lines as one text, for "never logs X" checks.
  std::string allLogs() const {
    std::string out;
    for (const auto& l : logs) out += l.event + ": " + l.detail + "\n";
    return out;
  }
  bool logged(std::string_view event, std::string_view fragment) const {
    for (const auto& l : logs)
      if (l.event == event && l.detail.find(fragment) != std::string::npos) return true;
    return false;
  }
};

// PLAIN (RFC 4616) and LOGIN against a user table; other outcomes can be forced.
class FakeAuthenticator final : public Authenticator {
 public:
  std::map<std::string, std::string> users{{"alice", "secret"}, {"bob", "hunter2"}};
  std::vector<std::string> offered{"PLAIN", "LOGIN"};
  std::optional<AuthOutcome::Status> forced;  // every start/step answers this
  std::vector<unsigned> tlsBits;
  int resets = 0;
  bool throws = false;              // start() throws, as a failing C library call would
  bool reportsFailedLogin = false;  // a failure carries the login the client tried, as some SASL layers do

  std::vector<std::string> mechanisms() const override { return offered; }

  AuthOutcome start(const std::string& mechanism, const std::optional<std::string>& initial) override {
    if (throws) throw std::runtime_error("sasl_server_new failed");
    if (forced) return {*forced, "", ""};
    mechanism_ = mechanism;
    step_ = 0;
    if (mechanism == "PLAIN") {
      if (!initial) return {AuthOutcome::Status::Continue, "", ""};
      return plain(*initial);
    }
    if (mechanism == "LOGIN") {
      if (!initial) return {AuthOutcome::Status::Continue, "Username:", ""};
      return step(*initial);
    }
    return {AuthOutcome::Status::NoMechanism, "", ""};
  }

  AuthOutcome step(const std::string& response) override {
    if (forced) return {*forced, "", ""};
    if (mechanism_ == "PLAIN") return plain(response);
    if (step_++ == 0) {
      user_ = response;
      return {AuthOutcome::Status::Continue, "Password:", ""};
    }
    return check("", user_, response);
  }

  void reset() override {
    ++resets;
    mechanism_.clear();
    step_ = 0;
  }
  void tlsEstablished(unsigned ssfBits) override { tlsBits.push_back(ssfBits); }

 private:
  AuthOutcome plain(const std::string& message) {
    const auto first = message.find('\0');
    const auto second = first == std::string::npos ? first : message.find('\0', first + 1);
    if (second == std::string::npos || message.find('\0', second + 1) != std::string::npos)
      return {AuthOutcome::Status::Malformed, "", ""};
    return check(message.substr(0, first), message.substr(first + 1, second - first - 1),
                 message.substr(second + 1));
  }
  AuthOutcome check(const std::string& authzid, const std::string& user, const std::string& password) {
    const auto it = users.find(user);
    if (it == users.end() || it->second != password)
      return {AuthOutcome::Status::Failure, "", reportsFailedLogin ? user : ""};
    if (!authzid.empty() && authzid != user) return {AuthOutcome::Status::AuthzRefused, "", ""};
    return {AuthOutcome::Status::Success, "", user};
  }
  std::string mechanism_;
  std::string user_;
  int step_ = 0;
};

class FakeSenderDirectory final : public SenderDirectory {
 public:
  std::map<std::string, std::vector<std::string>> patterns{{"alice", {"alice@example.org", "@alice.example"}},
                                                           {"bob", {"bob@example.org"}}};
  bool fail = false;
  mail::AllowedSenders sendersFor(const std::string& login) override {
    if (fail) throw core::Error::temporary("store unavailable");
    return mail::AllowedSenders(patterns[login]);
  }
};

class FakeSpool final : public Spool {
 public:
  enum class Failure { None, Storage, Other };
  struct Message {
    Envelope envelope;
    std::string queueId;
    std::string data;
    std::size_t writes = 0;
    std::string prepended;
    bool committed = false;
    bool destroyed = false;
  };
  bool accepting = true;
  Failure failBegin = Failure::None;
  Failure failWrite = Failure::None;
  Failure failCommit = Failure::None;
  std::vector<std::shared_ptr<Message>> messages;

  bool acceptingMail() const override { return accepting; }
  std::unique_ptr<MessageWriter> begin(const Envelope& envelope) override {
    raise(failBegin);
    auto m = std::make_shared<Message>();
    m->envelope = envelope;
    m->queueId = "Q" + std::to_string(messages.size() + 1);
    messages.push_back(m);
    return std::make_unique<Writer>(*this, m);
  }
  const Message& lastMessage() const { return *messages.back(); }

 private:
  static void raise(Failure f) {
    if (f == Failure::Storage) throw core::InsufficientStorage("disk full");
    if (f == Failure::Other) throw core::Error::temporary("spool broken");
  }
  class Writer final : public MessageWriter {
   public:
    Writer(FakeSpool& spool, std::shared_ptr<Message> m) : spool_(spool), m_(std::move(m)) {}
    ~Writer() override { m_->destroyed = true; }
    const std::string& queueId() const override { return m_->queueId; }
    void write(std::string_view bytes) override {
      raise(spool_.failWrite);
      m_->data.append(bytes);
      ++m_->writes;
    }
    void commit(const std::string& prepended) override {
      raise(spool_.failCommit);
      m_->prepended = prepended;
      m_->committed = true;
    }

   private:
    FakeSpool& spool_;
    std::shared_ptr<Message> m_;
  };
};

// Records what the session streams into each message's signature and answers with a scripted outcome.
class FakeSigner final : public MessageSigner {
 public:
  struct Record {
    std::string data;
    std::optional<std::string> fromDomain;  // set by finish()
    std::string addedHeaders;
  };
  SigningOutcome::Status status = SigningOutcome::Status::Signed;
  std::string fields = "DKIM-Signature: v=1; a=ed25519-sha256; d=example.org; s=e; b=AAAA\r\n";
  bool throwOnBegin = false;
  bool throwOnWrite = false;
  std::vector<std::shared_ptr<Record>> records;

  std::unique_ptr<MessageSignature> begin() override {
    if (throwOnBegin) throw core::Error::temporary("key store unavailable");
    records.push_back(std::make_shared<Record>());
    return std::make_unique<Signature>(*this, records.back());
  }

 private:
  class Signature final : public MessageSignature {
   public:
    Signature(FakeSigner& signer, std::shared_ptr<Record> r) : signer_(signer), r_(std::move(r)) {}
    void write(std::string_view bytes) override {
      if (signer_.throwOnWrite) throw std::runtime_error("EVP_DigestUpdate failed");
      r_->data.append(bytes);
    }
    SigningOutcome finish(std::string_view fromDomain, std::string_view addedHeaders) override {
      r_->fromDomain = std::string(fromDomain);
      r_->addedHeaders = std::string(addedHeaders);
      SigningOutcome o;
      o.status = signer_.status;
      if (o.status == SigningOutcome::Status::Signed) {
        o.fields = signer_.fields;
        o.algorithms = {"ed25519-sha256"};
        o.detail = "d=" + std::string(fromDomain) + " s=e";
      } else if (o.status == SigningOutcome::Status::Failed) {
        o.detail = "the key for " + std::string(fromDomain) + " does not decrypt";
      }
      return o;
    }

   private:
    FakeSigner& signer_;
    std::shared_ptr<Record> r_;
  };
};

// The session tests' clock starts at Mon, 30 Nov 2026 17:27:53 +0000 (the transcripts' Date lines).
struct FakeClock : ::postern::test::FakeClock {
  FakeClock() : ::postern::test::FakeClock(TimePoint(std::chrono::seconds(1796059673))) {}
};

inline TlsInfo testTls() { return TlsInfo{"TLSv1.3", "TLS_AES_256_GCM_SHA384", 256}; }

inline std::string plainResponse(const std::string& user, const std::string& password,
                                 const std::string& authzid = "") {
  return core::base64Encode(authzid + std::string(1, '\0') + user + std::string(1, '\0') + password);
}

// A session wired to fakes, with helpers that bring it to a state in one call.
// Records what the session reports for the metrics, as short words in order: "auth:success",
// "accepted", "refused:too_large", "signed:ed25519-sha256", "signing_failed".
class RecordingEvents final : public SessionEvents {
 public:
  std::vector<std::string> seen;
  void authenticated(Auth result) override {
    seen.push_back(std::string("auth:") + (result == Auth::Success   ? "success"
                                           : result == Auth::Failure ? "failure"
                                                                     : "error"));
  }
  void messageAccepted() override { seen.push_back("accepted"); }
  void messageRefused(Refusal reason) override {
    seen.push_back(std::string("refused:") + refusalName(reason));
  }
  void messageSigned(std::string_view algorithm) override {
    seen.push_back("signed:" + std::string(algorithm));
  }
  void signingFailed() override { seen.push_back("signing_failed"); }
};

struct Harness {
  SessionConfig config;
  ConnectionInfo connection{"192.0.2.7", false, std::nullopt};
  RecordingOutput output;
  FakeAuthenticator authenticator;
  FakeSenderDirectory senders;
  FakeSpool spool;
  FakeClock clock;
  MessageSigner* signer = nullptr;  // set to a FakeSigner to test DKIM wiring
  RecordingEvents events;
  std::unique_ptr<Session> session;

  Harness() { config.hostname = "mx.example.net"; }

  // Builds the session (after the test adjusted config/connection) and sends the greeting.
  Session& open() {
    session = std::make_unique<Session>(
        config, connection, SessionServices{authenticator, senders, spool, clock, signer, &events}, output);
    session->start();
    return *session;
  }
  // Feeds the text and returns the rendered replies it produced.
  std::string send(std::string_view bytes) {
    if (!session) open();
    const std::size_t before = output.replies.size();
    session->feed(bytes);
    std::string out;
    for (std::size_t i = before; i < output.replies.size(); ++i) out += output.replies[i].render();
    return out;
  }
  std::string line(std::string_view text) { return send(std::string(text) + "\r\n"); }

  // EHLO, STARTTLS, handshake, EHLO again.
  void tlsReady() {
    line("EHLO client.example");
    line("STARTTLS");
    session->tlsStarted(testTls());
    line("EHLO client.example");
  }
  void authenticated(const std::string& user = "alice", const std::string& password = "secret") {
    tlsReady();
    line("AUTH PLAIN " + plainResponse(user, password));
  }
  // Authenticated alice with MAIL and one RCPT accepted.
  void inTransaction() {
    authenticated();
    line("MAIL FROM:<alice@example.org>");
    line("RCPT TO:<rcpt@example.com>");
  }
  // Sends a whole message after DATA and returns the reply to the end of data.
  std::string deliver(std::string_view message) {
    line("DATA");
    return send(std::string(message) + ".\r\n");
  }
};

}  // namespace postern::smtp::test
