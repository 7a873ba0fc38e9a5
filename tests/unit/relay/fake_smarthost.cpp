#include "fake_smarthost.h"

#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <sys/socket.h>

#include <array>

#include "core/text.h"

namespace postern::test {

namespace {

constexpr auto kPeerTimeout = std::chrono::seconds(10);

struct Closed {};  // the client went away (or we decided to drop it)

}  // namespace

std::size_t ReceivedConnection::count(const std::string& prefix) const {
  std::size_t n = 0;
  for (const auto& c : commands)
    if (c.rfind(prefix, 0) == 0) ++n;
  return n;
}

// One connection: line I/O over the (possibly upgraded) socket and the script's answers.
class FakeSmarthost::Conversation {
 public:
  Conversation(FakeSmarthost& owner, Poco::Net::StreamSocket socket, std::size_t index)
      : owner_(owner), script_(owner.script_), socket_(std::move(socket)), index_(index) {
    socket_.setReceiveTimeout(Poco::Timespan(kPeerTimeout.count(), 0));
    socket_.setSendTimeout(Poco::Timespan(kPeerTimeout.count(), 0));
  }

  void run() {
    try {
      if (script_.implicitTls && !handshake()) return;
      reply(script_.greeting);
      for (;;) dispatch(readLine());
    } catch (const Closed&) {
    } catch (const Poco::Exception&) {
    }
  }

 private:
  void dispatch(const std::string& line) {
    record([&](ReceivedConnection& c) { c.commands.push_back(line); });
    const std::string verb = core::toLowerAscii(line.substr(0, line.find(' ')));
    if (verb == "bdat") return bdat(line);  // its octets follow at once: the turn is checked after them
    checkTurn();
    if (verb == "ehlo") return ehlo();
    if (verb == "helo") return reply(script_.heloReply);
    if (verb == "starttls") return startTls();
    if (verb == "auth") return auth(line);
    if (verb == "mail") {
      mailOk_ = script_.mailReply[0] == '2';
      return held(script_.mailReply);
    }
    if (verb == "rcpt") return rcpt(line);
    if (verb == "data") return data();
    if (verb == "rset" || verb == "noop") {
      accepted_ = 0;
      chunkIndex_ = 0;
      return reply("250 2.0.0 Ok");
    }
    if (verb == "quit") {
      record([](ReceivedConnection& c) { c.quit = true; });
      reply("221 2.0.0 Bye");
      throw Closed{};
    }
    reply("502 5.5.2 Error: command not recognized");
  }

  bool pipelining() const {
    for (const auto& e : script_.extensions)
      if (e == "PIPELINING") return true;
    return false;
  }

  // Without PIPELINING the client must wait for each reply (RFC 2920 §3.1 in reverse).
  void checkTurn() {
    if (pipelining() || inData_) return;
    if (buffer_.size() > 0 || socket_.available() > 0)
      record([](ReceivedConnection& c) { c.spokeOutOfTurn = true; });
  }

  void ehlo() {
    if (!script_.ehloRaw.empty()) return send(script_.ehloRaw);
    if (script_.endlessEhlo) {
      for (int i = 0; i < 1000000 && !owner_.stopping_; ++i) send("250-endless\r\n");
      throw Closed{};
    }
    std::vector<std::string> lines{"fake.test"};
    for (const auto& e : script_.extensions) lines.push_back(e);
    if (script_.offerStartTls && !tls_) lines.push_back("STARTTLS");
    if (!script_.authMechanisms.empty() && (tls_ || !script_.offerStartTls)) {
      std::string auth = "AUTH";
      for (const auto& m : script_.authMechanisms) auth += " " + m;
      lines.push_back(auth);
    }
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i)
      out += "250" + std::string(i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
    send(out);
  }

  void startTls() {
    reply("220 2.0.0 Ready to start TLS");
    buffer_.clear();
    if (!handshake()) throw Closed{};
  }

  bool handshake() {
    try {
      Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(socket_, owner_.tls_);
      secure.completeHandshake();
      socket_ = secure;
      tls_ = true;
      record([](ReceivedConnection& c) { c.tls = true; });
      return true;
    } catch (const Poco::Exception&) {
      record([](ReceivedConnection& c) { c.tlsFailed = true; });
      return false;
    }
  }

  std::string readAuthLine() {
    std::string line = readLine();
    record([&](ReceivedConnection& c) { c.commands.push_back(line); });
    return line;
  }

  void auth(const std::string& line) {
    const std::string mechanism = core::toLowerAscii(
        line.substr(5, line.find(' ', 5) == std::string::npos ? std::string::npos : line.find(' ', 5) - 5));
    bool ok = false;
    if (mechanism == "plain") {
      std::string blob = line.size() > 11 ? line.substr(11) : "";
      if (blob.empty()) {
        reply("334 ");
        blob = readAuthLine();
      }
      const auto decoded = core::base64Decode(blob);
      ok = decoded && *decoded == std::string(1, '\0') + script_.authUser + '\0' + script_.authPassword;
    } else if (mechanism == "login") {
      reply("334 VXNlcm5hbWU6");
      const auto user = core::base64Decode(readAuthLine());
      reply("334 UGFzc3dvcmQ6");
      const auto password = core::base64Decode(readAuthLine());
      ok = user && password && *user == script_.authUser && *password == script_.authPassword;
    } else if (mechanism == "xoauth2" || mechanism == "oauthbearer") {
      const std::size_t blobAt = 5 + mechanism.size() + 1;
      const auto decoded = core::base64Decode(line.size() > blobAt ? line.substr(blobAt) : "");
      record([&](ReceivedConnection& c) { c.authDecoded.push_back(decoded.value_or("(bad base64)")); });
      for (const std::string& token : script_.oauthTokens) {
        const std::string tail = "auth=Bearer " + token + "\x01\x01";
        if (decoded && decoded->size() >= tail.size() &&
            decoded->compare(decoded->size() - tail.size(), tail.size(), tail) == 0)
          ok = true;
      }
      if (!ok && script_.oauthErrorChallenge) {
        reply("334 " + core::base64Encode(script_.oauthErrorJson));
        readAuthLine();
      }
    }
    reply(ok ? "235 2.7.0 Authentication successful" : script_.authFailure);
  }

  void rcpt(const std::string& line) {
    const auto open = line.find('<');
    const auto close = line.rfind('>');
    const std::string address =
        open != std::string::npos && close > open ? line.substr(open + 1, close - open - 1) : "";
    const auto it = script_.rcptReplies.find(address);
    const std::string answer = it != script_.rcptReplies.end() ? it->second : "250 2.1.5 Ok";
    if (mailOk_ && answer[0] == '2') ++accepted_;
    held(mailOk_ ? answer : "503 5.5.1 Error: need MAIL command");
  }

  void data() {
    const std::string answer = accepted_ > 0 ? script_.dataReply : script_.dataReplyWithoutRecipients;
    pending_ += answer + "\r\n";
    send(pending_);
    pending_.clear();
    if (answer.rfind("354", 0) != 0) return;
    inData_ = true;
    if (script_.dropDuringData) {
      readSome();
      throw Closed{};
    }
    for (;;) {
      const std::string line = readLine();
      record([&](ReceivedConnection& c) { c.data += line + "\r\n"; });
      if (line == ".") break;
    }
    if (script_.beforeFinalReply) script_.beforeFinalReply();
    inData_ = false;
    accepted_ = 0;
    reply(script_.finalReply);
    if (script_.closeAfterTransaction) throw Closed{};
  }

  void bdat(const std::string& line) {
    const std::string argument = line.substr(5);
    const bool last = core::toLowerAscii(argument).ends_with(" last");
    const std::size_t size = std::stoul(argument.substr(0, argument.find(' ')));
    while (buffer_.size() < size) {
      std::array<char, 16384> chunk;
      const int n = socket_.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
      if (n <= 0) throw Closed{};
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
      if (script_.dropDuringData) throw Closed{};
    }
    const std::string octets = buffer_.substr(0, size);
    buffer_.erase(0, size);
    record([&](ReceivedConnection& c) {
      c.chunks.push_back(octets);
      c.data += octets;
    });
    checkTurn();
    const std::size_t index = chunkIndex_++;
    const auto scripted = script_.chunkReplies.find(index);
    std::string answer = scripted != script_.chunkReplies.end() ? scripted->second
                         : last                                 ? script_.finalReply
                                : "250 2.0.0 " + std::to_string(size) + " octets received";
    if (accepted_ == 0) answer = script_.dataReplyWithoutRecipients;
    if (!last) {
      if (!script_.holdChunkReplies) return reply(answer);
      pending_ += answer + "\r\n";
      return;
    }
    if (script_.beforeFinalReply) script_.beforeFinalReply();
    chunkIndex_ = 0;
    accepted_ = 0;
    send(pending_ + answer + "\r\n");
    pending_.clear();
    if (script_.closeAfterTransaction) throw Closed{};
  }

  // Replies to MAIL and RCPT, held back until DATA when the script asks for it.
  void held(const std::string& answer) {
    if (script_.holdPipelinedReplies) {
      pending_ += answer + "\r\n";
      return;
    }
    reply(answer);
  }

  void reply(const std::string& line) { send(line + "\r\n"); }

  void send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const int n = socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
      if (n <= 0) throw Closed{};
      sent += static_cast<std::size_t>(n);
    }
  }

  void readSome() {
    std::array<char, 4096> chunk;
    if (buffer_.empty() && socket_.receiveBytes(chunk.data(), static_cast<int>(chunk.size())) <= 0)
      throw Closed{};
  }

  std::string readLine() {
    for (;;) {
      const auto lf = buffer_.find('\n');
      if (lf != std::string::npos) {
        std::string line = buffer_.substr(0, lf);
        buffer_.erase(0, lf + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (owner_.stopping_) throw Closed{};
      std::array<char, 16384> chunk;
      const int n = socket_.receiveBytes(chunk.data(), static_cast<int>(chunk.size()));
      if (n <= 0) throw Closed{};
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    }
  }

  template <typename F>
  void record(F change) {
    std::lock_guard lock(owner_.mutex_);
    change(owner_.connections_[index_]);
    owner_.changed_.notify_all();
  }

  FakeSmarthost& owner_;
  const FakeScript& script_;
  Poco::Net::StreamSocket socket_;
  std::size_t index_;
  std::string buffer_;
  std::string pending_;
  std::size_t chunkIndex_ = 0;
  bool tls_ = false;
  bool inData_ = false;
  bool mailOk_ = false;
  int accepted_ = 0;
};

FakeSmarthost::FakeSmarthost(FakeScript script, Poco::Net::Context::Ptr tls)
    : script_(std::move(script)), tls_(std::move(tls)), server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
  port_ = server_.address().port();
  thread_ = std::thread([this] { run(); });
}

FakeSmarthost::~FakeSmarthost() {
  stopping_ = true;
  const int fd = activeFd_.load();
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);  // wakes a conversation blocked in a read
  thread_.join();
}

void FakeSmarthost::run() {
  while (!stopping_) {
    if (!server_.poll(Poco::Timespan(0, 50 * 1000), Poco::Net::Socket::SELECT_READ)) continue;
    Poco::Net::StreamSocket socket = server_.acceptConnection();
    std::size_t index;
    {
      std::lock_guard lock(mutex_);
      index = connections_.size();
      connections_.emplace_back();
    }
    activeFd_ = socket.impl()->sockfd();
    if (!stopping_) Conversation(*this, socket, index).run();
    activeFd_ = -1;
    try {
      socket.close();
    } catch (const Poco::Exception&) {
    }
    std::lock_guard lock(mutex_);
    connections_[index].ended = true;
    changed_.notify_all();
  }
}

std::vector<ReceivedConnection> FakeSmarthost::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

bool FakeSmarthost::waitFor(const std::function<bool(const std::vector<ReceivedConnection>&)>& pred,
                            std::chrono::seconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return pred(connections_); });
}

std::uint16_t unusedPort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t port = probe.address().port();
  probe.close();
  return port;
}

}  // namespace postern::test
