// The whole SMTP session (smtp::Session) with no socket: its ports are the unit tests' fakes
// (tests/unit/smtp/fakes.h). The input is a script of records "<op><payload>\n": most ops feed the payload
// as one client line; the others complete or fail a pending TLS handshake, force an authentication
// outcome, make the spool, the sender store or the DKIM signer fail, let the read time out, or shut the
// server down. Seeds are readable: "0EHLO client.example" feeds one line (see kOps below).
//
// Properties, checked after every step:
//   - every reply renders as well-formed RFC 5321 reply lines, and a reply that closes is the last one;
//   - an accepted message was submitted by an authenticated login over TLS, from an envelope sender and
//     with exactly one header From whose every mailbox that login may use, within the recipient limit;
//   - the DKIM signer saw exactly the bytes the spool got, and its parser finds the same single From;
//   - the password never reaches a log line unless the script wrote it in clear itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "core/text.h"
#include "dkim/header_fields.h"
#include "fuzz_check.h"
#include "mail/address.h"
#include "mail/allowed_senders.h"
#include "smtp/header_scanner.h"
#include "unit/smtp/fakes.h"

using namespace postern;
using namespace postern::smtp;
using postern::fuzz::escaped;

namespace {

constexpr std::string_view kPassword = "Pw-9vQz";

// op % 16: 0-9 feed "<payload>\r\n"; 10 feed "<payload>\n" (a bare LF); 11 feed the payload in one read
// with each CR turned into CRLF and no line end added (pipelined lines, or a line's first part); 12 force an
// AUTH outcome; 13 spool, store and signer failures; 14 read timeout; 15 shutdown. Seed characters: '0'..'9'
// feed, ':' bare LF, ';' pipelined, '<' auth, '=' failures, '>' timeout,
// '?' shutdown. A pending STARTTLS handshake is completed before the next op, or fails when the op byte
// has its high bit set (the connection is then gone and the run ends).
enum Op { kFeedBareLf = 10, kFeedRaw = 11, kForceAuth = 12, kFailures = 13, kTimeout = 14, kShutdown = 15 };

void checkRendered(const core::Reply& r) {
  const std::string text = r.render();
  FUZZ_CHECK(r.code >= 200 && r.code <= 599 && !r.lines.empty(), escaped(text));
  const std::string code = std::to_string(r.code);
  std::size_t start = 0;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const std::size_t end = text.find("\r\n", start);
    FUZZ_CHECK(end != std::string::npos, escaped(text));
    const std::string_view line = std::string_view(text).substr(start, end - start);
    FUZZ_CHECK(line.starts_with(code) && line.size() >= 4, escaped(text));
    FUZZ_CHECK(line[3] == (i + 1 == r.lines.size() ? ' ' : '-'), escaped(text));
    FUZZ_CHECK(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos, escaped(text));
    start = end + 2;
  }
  FUZZ_CHECK(start == text.size(), escaped(text));
}

struct Checker {
  Checker(smtp::test::Harness& harness, smtp::test::FakeSigner& fakeSigner, bool clear)
      : h(harness), signer(fakeSigner), passwordInClear(clear) {}
  smtp::test::Harness& h;
  smtp::test::FakeSigner& signer;
  bool passwordInClear;
  std::size_t repliesSeen = 0;
  bool closedSeen = false;

  void afterStep(bool tlsActive) {
    for (; repliesSeen < h.output.replies.size(); ++repliesSeen) {
      const core::Reply& r = h.output.replies[repliesSeen];
      FUZZ_CHECK(!closedSeen, "a reply after the closing one: " + escaped(r.render()));
      checkRendered(r);
      if (r.close) closedSeen = true;
    }
    if (closedSeen) FUZZ_CHECK(h.session->closed(), "closing reply sent but the session is open");
    // Each message is checked in the step that committed it.
    for (std::size_t i = 0; i < h.spool.messages.size(); ++i) {
      const auto& m = *h.spool.messages[i];
      if (m.committed && !checked_.count(i)) {
        checked_.insert(i);
        checkAccepted(m, tlsActive);
      }
    }
    if (!passwordInClear)
      FUZZ_CHECK(h.output.allLogs().find(kPassword) == std::string::npos, "password logged");
  }

  void checkAccepted(const smtp::test::FakeSpool::Message& m, bool tlsActive) {
    const Envelope& e = m.envelope;
    FUZZ_CHECK(tlsActive, "message accepted without TLS");
    FUZZ_CHECK(h.session->authenticated() && e.login == h.session->login(), "message accepted without AUTH");
    FUZZ_CHECK(h.authenticator.users.count(e.login) == 1, e.login);
    const mail::AllowedSenders allowed(h.senders.patterns[e.login]);
    FUZZ_CHECK(allowed.allows(e.sender), "envelope sender " + escaped(e.sender.str()) + " for " + e.login);
    FUZZ_CHECK(!e.recipients.empty() && e.recipients.size() <= h.config.maxRecipients, "recipients");

    smtp::HeaderScanner scanner(h.config.maxHeaderSection);
    scanner.feed(m.data);
    scanner.finish();
    FUZZ_CHECK(scanner.from().size() == 1, escaped(m.data));
    const auto from = mail::parseAddressList(scanner.from().front());
    FUZZ_CHECK(from && !from->empty(), escaped(m.data));
    for (const auto& a : *from) FUZZ_CHECK(allowed.allows(a), "From " + escaped(a.str()) + " for " + e.login);

    const std::size_t end = m.data.find("\r\n\r\n");
    const auto fields = dkim::parseHeaderSection(
        end == std::string::npos ? std::string_view(m.data) : std::string_view(m.data).substr(0, end + 2));
    std::size_t froms = 0;
    for (const auto& f : fields) froms += core::iequalsAscii(f.name, "From");
    FUZZ_CHECK(froms == 1, "the signer's parser sees " + std::to_string(froms) + " From: " + escaped(m.data));
    if (h.signer) {
      bool signedSame = false;
      for (const auto& r : signer.records) signedSame = signedSame || r->data == m.data;
      FUZZ_CHECK(signedSame, "the signer saw other bytes than the spool");
    }
  }

  std::set<std::size_t> checked_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t setup = in.byte();
  smtp::test::Harness h;
  smtp::test::FakeSigner signer;
  h.authenticator.users = {{"alice", std::string(kPassword)}, {"bob", std::string(kPassword) + "b"}};
  h.connection.implicitTls = setup & 1;
  if (h.connection.implicitTls) h.connection.tls = smtp::test::testTls();
  if (setup & 2) h.signer = &signer;
  h.config.rejectWithoutDkimKey = setup & 4;
  h.config.checkDisplayNames = !(setup & 8);
  if (setup & 16) {  // small limits, so the fuzzer reaches them
    h.config.maxMessageSize = 300;
    h.config.maxRecipients = 2;
    h.config.maxHeaderSection = 200;
    h.config.maxTextLine = 80;
    h.config.maxCommandLine = 64;
  }
  h.config.authFailureDelay = std::chrono::milliseconds(0);

  const std::string_view script(reinterpret_cast<const char*>(data), size);
  Checker check(h, signer, script.find(kPassword) != std::string_view::npos);
  bool tlsActive = h.connection.implicitTls;
  int handshakesDone = 0;
  h.open();
  check.afterStep(tlsActive);

  while (!in.empty() && !h.session->closed()) {
    const std::uint8_t op = in.byte();
    if (h.output.startTlsCalls > handshakesDone) {
      ++handshakesDone;
      if (op & 0x80) return 0;  // the handshake failed: the connection closes without a word
      h.session->tlsStarted(smtp::test::testTls());
      tlsActive = true;
      check.afterStep(tlsActive);
    }
    const std::string_view payload = in.until('\n');
    switch (op % 16) {
      case kFeedBareLf:
        h.session->feed(std::string(payload) + "\n");
        break;
      case kFeedRaw: {
        // Several lines in one read (pipelining, RFC 2920): each CR of the payload becomes CRLF.
        std::string bytes;
        for (const char c : payload) bytes += c == '\r' ? std::string("\r\n") : std::string(1, c);
        h.session->feed(bytes);
        break;
      }
      case kForceAuth: {
        const std::uint8_t choice = payload.empty() ? 0 : static_cast<std::uint8_t>(payload[0]);
        if (choice % 8 == 7)
          h.authenticator.forced.reset();
        else
          h.authenticator.forced = static_cast<AuthOutcome::Status>(choice % 7);
        h.authenticator.throws = choice & 8;
        break;
      }
      case kFailures: {
        const std::uint8_t f = payload.empty() ? 0 : static_cast<std::uint8_t>(payload[0]);
        h.spool.accepting = !(f & 1);
        h.spool.failBegin = static_cast<smtp::test::FakeSpool::Failure>((f >> 1) % 3);
        h.spool.failWrite =
            (f & 8) ? smtp::test::FakeSpool::Failure::Other : smtp::test::FakeSpool::Failure::None;
        h.spool.failCommit =
            (f & 16) ? smtp::test::FakeSpool::Failure::Storage : smtp::test::FakeSpool::Failure::None;
        h.senders.fail = f & 32;
        signer.status = static_cast<SigningOutcome::Status>((f >> 6) % 3);
        break;
      }
      case kTimeout:
        h.clock.advance(h.session->readTimeout());
        h.session->timedOut();
        break;
      case kShutdown:
        h.session->shutdown();
        break;
      default:
        h.session->feed(std::string(payload) + "\r\n");
        break;
    }
    check.afterStep(tlsActive);
  }
  // POSTERN_FUZZ_TRACE=1 ./fuzz_smtp_session FILE shows what an input did (replies and actions in order).
  if (std::getenv("POSTERN_FUZZ_TRACE")) {
    for (const auto& e : h.output.events) std::fputs(e.c_str(), stderr);
    std::fprintf(stderr, "-- %zu message(s) committed\n",
                 static_cast<std::size_t>(std::count_if(h.spool.messages.begin(), h.spool.messages.end(),
                                                        [](const auto& m) { return m->committed; })));
  }
  return 0;
}
