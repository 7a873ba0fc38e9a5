// smtp::Session::Impl — the session's state and handlers, shared by session.cpp (framing, dispatch,
// simple commands), session_auth.cpp (AUTH), session_mail.cpp (MAIL, RCPT, DATA start),
// session_bdat.cpp (BDAT chunks, RFC 3030) and session_data.cpp (streaming, verdict, commit). Private to
// the smtp module.
//
// States (one function changes them, logging old -> new, after OpenSMTPD's smtp_enter_state):
//   Fresh ──EHLO/HELO──▶ Greeted ──MAIL──▶ Mail ──RCPT──▶ Rcpt ──DATA 354──▶ Data ──end──▶ Greeted
//   Rcpt ──BDAT n──▶ Bdat ──BDAT n──▶ Bdat ──BDAT n LAST──▶ Greeted (a refused chunk also ends in Greeted)
//   Greeted ──AUTH 334──▶ Auth ──235/535/501──▶ Greeted
//   any command state ──STARTTLS 220──▶ TlsPending ──tlsStarted()──▶ Fresh
//   any ──reply with close──▶ Closed
// Authentication, TLS and the EHLO/HELO name are kept beside the state, not in it; so are the octets of a
// BDAT chunk still to be read (chunk_), which are read in every state, also when the BDAT was refused.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/reply.h"
#include "smtp/command_parser.h"
#include "smtp/command_table.h"
#include "smtp/data_reader.h"
#include "smtp/header_scanner.h"
#include "smtp/line_reader.h"
#include "smtp/ports.h"
#include "smtp/session.h"

namespace postern::smtp {

// RFC 3463: the spool cannot take mail now (below its reserve, disk full or read-only).
inline core::Reply insufficientStorage() { return core::Reply(452, "4.3.1", "Insufficient system storage"); }
// A local failure of unknown kind: temporary (DESIGN.md "Errors"); details go to the log only.
inline core::Reply localFailure() { return core::Reply(451, "4.3.0", "Temporary failure, try again later"); }
// The reply for a spool operation that threw e.
inline core::Reply spoolFailure(const std::exception& e) {
  return dynamic_cast<const core::InsufficientStorage*>(&e) ? insufficientStorage() : localFailure();
}
// The metrics' reason for a refusal the session made from a reply of the rules above or of the header
// policy, by its code and RFC 3463 enhanced code: 552 size, 452 storage, 451 local, x.7.1 the author
// fields (policy), anything else a malformed message.
Refusal refusalFor(const core::Reply& r);

enum class SessionState { Fresh, Greeted, Auth, Mail, Rcpt, Data, Bdat, TlsPending, Closed };

class Session::Impl {
 public:
  Impl(const SessionConfig& config, ConnectionInfo connection, SessionServices services,
       SessionOutput& output);

  // session.cpp
  void start();
  void feed(std::string_view bytes);
  void tlsStarted(const TlsInfo& tls);
  void timedOut();
  void shutdown();
  bool closed() const { return state_ == SessionState::Closed; }
  bool inTransaction() const;
  bool authenticated() const { return authenticated_; }
  const std::string& login() const { return login_; }
  std::chrono::seconds readTimeout() const;

 private:
  // session.cpp
  void enter(SessionState next);
  void reply(const core::Reply& r);
  bool checkFirstBytes(std::string_view bytes);
  const CommandSpec* handleLine(const CommandLine& line);
  void dispatch(const CommandSpec& spec, std::string_view argument);
  void hello(std::string_view argument, bool extended);
  void startTls(std::string_view argument);
  void discardBeforeTls(std::size_t count);
  void resetTransaction();
  SessionState idleState() const { return helo_ ? SessionState::Greeted : SessionState::Fresh; }

  // session_auth.cpp
  void auth(std::string_view argument);
  void authResponse(const std::string& line);
  void authOutcome(const AuthOutcome& outcome);
  void authFailed(const AuthOutcome& outcome);

  // session_mail.cpp
  void mail(std::string_view argument);
  void rcpt(std::string_view argument);
  void keepDsnParameters(const MailFrom& m);
  void data(std::string_view argument);
  // Sending limits: true when MAIL may go on (otherwise the 451 or the local failure is sent).
  bool checkMessageLimit();
  void limitRefused(SendingLimit limit, const std::string& text);

  // session_bdat.cpp
  // A BDAT line; refusal is the command table's refusal (TLS, EHLO, AUTH), sent after the chunk is read.
  void bdat(std::string_view argument, std::optional<core::Reply> refusal);
  std::size_t chunkBytes(std::string_view bytes);  // the octets of chunk_; returns how many it took
  void endOfChunk();

  // session_data.cpp
  struct Rejection;
  // Opens the spool file, the signature and the readers for a message: nullopt, or why it cannot start.
  std::optional<Rejection> beginMessage(DataReader::Framing framing);
  void messageBytes(std::string_view bytes);
  void endOfData();
  // A refusal at the end of data, with the reason the metrics count it under (by default, as the
  // reply's code tells it: refusalFor()).
  struct Rejection {
    Rejection(core::Reply r) : reply(std::move(r)), reason(refusalFor(reply)) {}  // NOLINT: implicit
    Rejection(core::Reply r, Refusal why) : reply(std::move(r)), reason(why) {}
    core::Reply reply;
    Refusal reason;
  };
  std::optional<Rejection> verdict() const;
  struct AddedHeaders {
    std::string trace;       // Received (RFC 5321 §4.4): not signed
    std::string submission;  // Date, Message-ID when missing (RFC 6409 §8): signed with the message
  };
  AddedHeaders addedHeaders(const std::string& queueId) const;
  // DKIM: the signature fields to prepend, or the reply that ends the transaction instead.
  std::variant<std::string, core::Reply> dkimSignature(const std::string& queueId,
                                                       const std::string& submissionHeaders);
  void finishTransaction(const core::Reply& r);

  // Metrics (SessionEvents); nothing when the session has no events port.
  void countAuth(SessionEvents::Auth result) {
    if (services_.events) services_.events->authenticated(result);
  }
  void countRefusal(Refusal reason) {
    if (services_.events) services_.events->messageRefused(reason);
  }
  // The refusal and its reason, counted, in one step.
  void refuse(const core::Reply& r, Refusal reason) {
    countRefusal(reason);
    reply(r);
  }

  const SessionConfig config_;
  const ConnectionInfo connection_;
  SessionServices services_;
  SessionOutput& out_;

  SessionState state_ = SessionState::Fresh;
  LineReader lines_;
  bool firstBytesChecked_ = false;
  std::string probe_;  // the connection's first bytes, for the cross-protocol check

  std::optional<TlsInfo> tls_;
  std::optional<std::string> helo_;
  bool ehlo_ = false;

  bool authenticated_ = false;
  std::string login_;
  std::string authMechanism_;
  mail::AllowedSenders senders_;
  std::size_t authFailures_ = 0;
  std::size_t protocolErrors_ = 0;

  // The mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA.
  Envelope envelope_;
  std::unordered_set<std::string> recipientKeys_;  // mail::Address::key() of envelope_.recipients
  std::unique_ptr<MessageWriter> writer_;
  std::unique_ptr<DataReader> dataReader_;
  std::unique_ptr<HeaderScanner> headers_;
  std::optional<core::Reply> writeFailure_;
  std::unique_ptr<MessageSignature> signature_;
  std::string signatureWriteError_;    // the signature's write() threw: the message fails at the end (451)
  std::optional<SendingQuota> quota_;  // the login's sending limits, read at MAIL (none: no limits port)

  // RFC 3030 §2: the octets of a BDAT chunk are read even when the command is refused, and the reply
  // waits until they are.
  struct Chunk {
    std::uint64_t remaining = 0;
    std::uint64_t size = 0;
    bool last = false;
    bool keep = false;                   // the octets belong to the message; false: discarded
    std::optional<core::Reply> refusal;  // the reply once the octets are read, instead of accepting them
    bool endsTransaction = false;        // the refusal fails the message (RFC 3030 §2)
    std::optional<Refusal> reason;       // the metrics' reason, when the refusal is counted
  };
  std::optional<Chunk> chunk_;
  // A chunk of the last transaction was refused: the client's BDATs already in the pipeline are read and
  // answered 554 rather than 503, without counting as protocol errors. Cleared by any other command.
  bool chunksFailed_ = false;
};

}  // namespace postern::smtp
