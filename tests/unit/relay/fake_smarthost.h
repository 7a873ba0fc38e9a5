// FakeSmarthost — a scripted SMTP server on 127.0.0.1 (port 0) for the relay tests, after Poco's
// DialogServer (STYLE.md §9): it answers from a script, records what each connection sent (command lines,
// DATA bytes exactly as received, whether TLS was up, QUIT), and can misbehave on request (drop the
// connection during DATA, hostile replies, hold pipelined replies). Connections are served one after the
// other on its own thread; it never waits for the network longer than a few seconds, so a broken client
// fails a test instead of hanging it.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace postern::test {

struct FakeScript {
  std::string greeting = "220 fake.test ESMTP";
  std::vector<std::string> extensions{"PIPELINING", "SIZE 10485760", "8BITMIME", "SMTPUTF8"};
  bool offerStartTls = false;               // needs a TLS context; STARTTLS is offered before TLS only
  bool implicitTls = false;                 // needs a TLS context
  std::vector<std::string> authMechanisms;  // offered once TLS is up (or at once without TLS)
  std::string authUser, authPassword;       // the credentials that get 235
  std::string authFailure = "535 5.7.8 Authentication credentials invalid";
  // AUTH XOAUTH2 / OAUTHBEARER: a decoded initial response ending in "auth=Bearer T^A^A" for one of these
  // tokens gets 235; any other gets authFailure, first preceded (oauthErrorChallenge, as Google and RFC
  // 7628 §3.2.2 do) by "334 base64(oauthErrorJson)" whose answer is recorded; without it the 535 comes at
  // once (as Microsoft 365 does).
  std::vector<std::string> oauthTokens;
  bool oauthErrorChallenge = true;
  std::string oauthErrorJson = R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})";
  std::string mailReply = "250 2.1.0 Ok";
  std::map<std::string, std::string> rcptReplies;  // by address; others get 250 2.1.5 Ok
  std::string dataReply = "354 End data with <CR><LF>.<CR><LF>";
  std::string dataReplyWithoutRecipients = "554 5.5.1 Error: no valid recipients";
  std::string finalReply = "250 2.0.0 Ok: queued as FAKE";
  bool holdPipelinedReplies = false;   // answer MAIL/RCPT only once DATA has arrived: a client that waits
                                       // for each reply stalls (proves that it pipelines)
  bool dropDuringData = false;         // close after the first bytes of content
  bool closeAfterTransaction = false;  // close right after the final reply
  std::string ehloRaw;                 // sent verbatim instead of the EHLO reply ("" = normal)
  std::string heloReply = "250 fake.test";  // the reply to HELO (an EHLO-refusing server's only greeting)
  bool endlessEhlo = false;                 // "250-x" lines until the client goes away
  std::function<void()> beforeFinalReply;   // called (on the fake's thread) after the final "." arrives and
                                            // before the reply: lets a test hold a delivery in flight
  // BDAT (RFC 3030), when "CHUNKING" is among the extensions: the replies to chunks by their index in the
  // transaction (others: "250 2.0.0 N octets received", or finalReply for the LAST one).
  std::map<std::size_t, std::string> chunkReplies;
  bool holdChunkReplies = false;  // answer the chunks only once the LAST one arrived (proves pipelining)
};

struct ReceivedConnection {
  std::vector<std::string> commands;  // every line outside DATA, as received
  std::string data;                   // DATA content as received (still dot-stuffed), with the final ".\r\n"
  std::vector<std::string> chunks;    // BDAT chunks' octets, as received
  std::vector<std::string> authDecoded;  // the decoded initial responses of AUTH XOAUTH2 / OAUTHBEARER
  bool tls = false;
  bool tlsFailed = false;
  bool quit = false;
  bool ended = false;
  bool spokeOutOfTurn = false;  // bytes arrived before the reply to a command was sent, without PIPELINING

  std::size_t count(const std::string& prefix) const;
  bool has(const std::string& prefix) const { return count(prefix) > 0; }
};

class FakeSmarthost {
 public:
  explicit FakeSmarthost(FakeScript script, Poco::Net::Context::Ptr tls = nullptr);
  ~FakeSmarthost();
  FakeSmarthost(const FakeSmarthost&) = delete;
  FakeSmarthost& operator=(const FakeSmarthost&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<ReceivedConnection> connections() const;
  // Waits (up to limit) until pred holds for the recorded connections.
  bool waitFor(const std::function<bool(const std::vector<ReceivedConnection>&)>& pred,
               std::chrono::seconds limit = std::chrono::seconds(15)) const;

 private:
  class Conversation;
  void run();

  const FakeScript script_;
  Poco::Net::Context::Ptr tls_;
  Poco::Net::ServerSocket server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> activeFd_{-1};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedConnection> connections_;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound once, then closed).
std::uint16_t unusedPort();

}  // namespace postern::test
