// smtp_load — Postern's own load generator. Opens N parallel connections (STARTTLS on a submission port,
// or implicit TLS), authenticates with AUTH PLAIN, sends M messages of S octets per connection with
// PIPELINING (MAIL, RCPT, DATA in one write), and prints messages/s, latency percentiles from MAIL FROM
// to the 250 after the final dot, and errors. With --server-pid it also prints the server's CPU time per
// message and its resident memory (from /proc). With --hold N it opens N authenticated idle connections
// and prints the server's resident memory while they are open (--hold-for S keeps them open S seconds, so
// that another run can measure beside them). With --resume every connection offers the
// TLS session (ticket) of its previous connection, as a returning client does: with --messages 1 (S2, a
// handshake per message) that measures what session resumption saves the server. --reconnects K makes each
// of the N parallel clients connect K times in a row (N x K connections, N at a time).
//
// It is a benchmark: it prints figures and never fails on speed (exit 1 only on usage or setup errors).
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/Session.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_stats.h"
#include "core/text.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 587;
  bool implicitTls = false;
  std::string user = "bench@example.org";
  std::string password = "bench-password";
  std::string from;
  std::string to = "sink@example.net";
  int connections = 20;
  int messages = 10;
  std::size_t size = 4096;
  int serverPid = 0;
  int hold = 0;
  int holdFor = 1;     // seconds the held connections stay open
  int reconnects = 1;  // connections per thread, one after another (each sends `messages`)
  bool resume = false;
};

class Client {
 public:
  // session: a TLS session of an earlier connection to offer for resumption (none: a full handshake).
  Client(const Options& o, Poco::Net::Context::Ptr ctx, Poco::Net::Session::Ptr session = nullptr) {
    const auto start = Clock::now();
    Poco::Net::SocketAddress address(o.host, static_cast<Poco::UInt16>(o.port));
    std::optional<Poco::Net::SecureStreamSocket> tls;
    if (o.implicitTls) {
      tls.emplace(address, ctx, session);
      socket_ = *tls;
    } else {
      socket_ = Poco::Net::StreamSocket(address);
    }
    socket_.setReceiveTimeout(Poco::Timespan(60, 0));
    expect(220);
    greeting_ = std::chrono::duration<double>(Clock::now() - start).count();
    command("EHLO bench.example", 250);
    if (!o.implicitTls) {
      command("STARTTLS", 220);
      tls.emplace(Poco::Net::SecureStreamSocket::attach(socket_, ctx, session));
      socket_ = *tls;
      command("EHLO bench.example", 250);
    }
    const std::string plain = std::string(1, '\0') + o.user + std::string(1, '\0') + o.password;
    command("AUTH PLAIN " + postern::core::base64Encode(plain), 235);
    // By now TLS 1.3 tickets have arrived (they follow the handshake, before the server's first reply).
    resumed_ = tls->sessionWasReused();
    session_ = tls->currentSession();
  }

  bool resumed() const { return resumed_; }
  // Seconds from connect() to the server's 220: a connection waiting for a server thread shows here.
  double greeting() const { return greeting_; }
  Poco::Net::Session::Ptr session() const { return session_; }

  // One pipelined transaction; returns the seconds from MAIL to the final 250.
  double send(const Options& o, const std::string& body) {
    const auto start = Clock::now();
    write("MAIL FROM:<" + o.from + "> SIZE=" + std::to_string(body.size()) + "\r\nRCPT TO:<" + o.to +
          ">\r\nDATA\r\n");
    expect(250);
    expect(250);
    expect(354);
    write(body + ".\r\n");
    expect(250);
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  void quit() {
    try {
      command("QUIT", 221);
      // An explicit close sends close_notify: OpenSSL marks the session of a TLS connection freed without
      // one as not resumable, and with --resume that session is the one the next connections offer.
      socket_.close();
    } catch (const std::exception&) {
    }
  }

 private:
  void write(const std::string& s) {
    std::size_t sent = 0;
    while (sent < s.size()) {
      const int n = socket_.sendBytes(s.data() + sent, static_cast<int>(s.size() - sent));
      if (n <= 0) throw std::runtime_error("connection closed while writing");
      sent += static_cast<std::size_t>(n);
    }
  }
  void command(const std::string& line, int code) {
    write(line + "\r\n");
    expect(code);
  }
  // Reads one (possibly multi-line) reply and checks its code.
  void expect(int code) {
    for (;;) {
      std::string line = readLine();
      if (line.size() < 4) throw std::runtime_error("short reply: " + line);
      if (line[3] == '-') continue;
      if (std::stoi(line.substr(0, 3)) != code)
        throw std::runtime_error("expected " + std::to_string(code) + ", got: " + line);
      return;
    }
  }
  std::string readLine() {
    for (;;) {
      const auto eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        std::string line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return line;
      }
      char chunk[4096];
      const int n = socket_.receiveBytes(chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("connection closed by server");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  Poco::Net::StreamSocket socket_;
  std::string buffer_;
  double greeting_ = 0;
  bool resumed_ = false;
  Poco::Net::Session::Ptr session_;
};

std::string makeBody(const Options& o, int seq) {
  std::string body = "From: <" + o.from + ">\r\nTo: <" + o.to + ">\r\nSubject: load " + std::to_string(seq) +
                     "\r\nMessage-ID: <load" + std::to_string(seq) + "@bench.example>\r\n\r\n";
  const std::string line = std::string(76, 'x') + "\r\n";
  while (body.size() + line.size() <= o.size) body += line;
  while (body.size() + 2 < o.size) body.insert(body.size() - 2, "y");
  return body;
}

struct ProcSample {
  double cpuSeconds = 0;
  long rssKiB = 0;
};

ProcSample sampleProcess(int pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = content.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(content.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    // Fields after the command: state(3) ... utime(14) stime(15), counted from 3.
    if (f.size() > 13)
      s.cpuSeconds = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) s.rssKiB = std::stol(line.substr(6));
  return s;
}

using postern::bench::percentile;

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--host")
      o.host = value();
    else if (a == "--port")
      o.port = std::stoi(value());
    else if (a == "--tls")
      o.implicitTls = true;
    else if (a == "--user")
      o.user = value();
    else if (a == "--password")
      o.password = value();
    else if (a == "--from")
      o.from = value();
    else if (a == "--to")
      o.to = value();
    else if (a == "--connections")
      o.connections = std::stoi(value());
    else if (a == "--messages")
      o.messages = std::stoi(value());
    else if (a == "--size")
      o.size = std::stoul(value());
    else if (a == "--server-pid")
      o.serverPid = std::stoi(value());
    else if (a == "--hold")
      o.hold = std::stoi(value());
    else if (a == "--hold-for")
      o.holdFor = std::stoi(value());
    else if (a == "--resume")
      o.resume = true;
    else if (a == "--reconnects")
      o.reconnects = std::stoi(value());
    else
      throw std::invalid_argument("unknown option " + a);
  }
  if (o.from.empty()) o.from = o.user;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr
        << "smtp_load: " << e.what()
        << "\nusage: smtp_load [--host H] [--port P] [--tls] [--user U] [--password PW] [--from A] [--to A]\n"
           "                 [--connections N] [--messages M] [--size OCTETS] [--server-pid PID] [--hold "
           "N [--hold-for S]]\n"
           "                 [--reconnects K] [--resume]\n";
    return 1;
  }
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // the benchmark measures, it does not trust
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  // No client session cache (Poco's enableSessionCache): with it OpenSSL marks a TLS 1.3 session not
  // resumable once a newer ticket arrives, and Poco's currentSession() hands back the session offered.

  if (o.hold > 0) {
    const auto before = sampleProcess(o.serverPid);
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < o.hold; ++i) idle.push_back(std::make_unique<Client>(o, ctx));
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto held = sampleProcess(o.serverPid);
    std::printf("connections held: %d (TLS + AUTH, idle)\n", o.hold);
    if (o.serverPid > 0)
      std::printf("server RSS: %.1f MiB before, %.1f MiB with %d open connections\n", before.rssKiB / 1024.0,
                  held.rssKiB / 1024.0, o.hold);
    std::fflush(stdout);  // a caller waits for these lines before it measures beside the held connections
    if (o.holdFor > 1) std::this_thread::sleep_for(std::chrono::seconds(o.holdFor - 1));
    for (auto& c : idle) c->quit();
    return 0;
  }

  std::mutex mutex;
  std::vector<double> latencies;
  std::vector<double> greetings;
  std::atomic<int> errors{0};
  std::atomic<int> delivered{0};
  std::atomic<int> handshakes{0};
  std::atomic<int> resumed{0};
  Poco::Net::Session::Ptr lastSession;  // with --resume: the session the next connection offers
  std::vector<std::string> errorTexts;
  if (o.resume) {
    // A returning client has a session from an earlier visit: one connection before the clock starts.
    Client primer(o, ctx);
    lastSession = primer.session();
    primer.quit();
  }
  const auto before = sampleProcess(o.serverPid);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      // With --resume each thread is one returning client: it starts from the primer's session and then
      // offers the session of its own previous connection.
      Poco::Net::Session::Ptr offered;
      if (o.resume) {
        std::lock_guard lock(mutex);
        offered = lastSession;
      }
      for (int r = 0; r < o.reconnects; ++r) {
        try {
          Client client(o, ctx, offered);
          ++handshakes;
          if (client.resumed()) ++resumed;
          if (o.resume) offered = client.session();
          std::vector<double> mine;
          for (int m = 0; m < o.messages; ++m) {
            mine.push_back(client.send(o, makeBody(o, (c * o.reconnects + r) * o.messages + m)));
            ++delivered;
          }
          client.quit();
          std::lock_guard lock(mutex);
          latencies.insert(latencies.end(), mine.begin(), mine.end());
          greetings.push_back(client.greeting());
        } catch (const std::exception& e) {
          ++errors;
          std::lock_guard lock(mutex);
          errorTexts.push_back(e.what());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const auto after = sampleProcess(o.serverPid);

  std::printf("scenario: %d connections x %d messages x %zu octets, %s, AUTH PLAIN, PIPELINING\n",
              o.connections * o.reconnects, o.messages, o.size, o.implicitTls ? "implicit TLS" : "STARTTLS");
  if (o.reconnects > 1)
    std::printf("          (%d at a time, each of them %d times in a row)\n", o.connections, o.reconnects);
  std::printf("messages accepted: %d in %.3f s = %.1f messages/s (connection set-up included)\n",
              delivered.load(), elapsed, delivered / elapsed);
  std::printf("latency MAIL..250 after DATA: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(latencies, 0.50) * 1e3, percentile(latencies, 0.99) * 1e3,
              percentile(latencies, 1.0) * 1e3);
  std::printf("greeting after connect%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              o.implicitTls ? " (TLS handshake included)" : "", percentile(greetings, 0.50) * 1e3,
              percentile(greetings, 0.99) * 1e3, percentile(greetings, 1.0) * 1e3);
  std::printf("TLS handshakes: %d, resumed: %d%s\n", handshakes.load(), resumed.load(),
              o.resume ? " (--resume: each client offers the session of its previous connection)" : "");
  std::printf("errors: %d\n", errors.load());
  for (std::size_t i = 0; i < errorTexts.size() && i < 5; ++i) std::printf("  %s\n", errorTexts[i].c_str());
  if (o.serverPid > 0 && delivered > 0)
    std::printf("server CPU: %.1f ms total, %.3f ms per message; server RSS after: %.1f MiB\n",
                (after.cpuSeconds - before.cpuSeconds) * 1e3,
                (after.cpuSeconds - before.cpuSeconds) * 1e3 / delivered, after.rssKiB / 1024.0);
  return 0;
}
