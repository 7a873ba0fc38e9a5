// web_load — load generator for the web admin's JSON API. Signs in once (POST /api/v1/login with the
// page's Origin, as the UI does), then sends GETs of one path over C keep-alive HTTPS connections sharing
// that session cookie, and prints requests/s and the p50/p99/max latency from writing a request to having
// read its whole answer. Each connection's TLS handshake is made by one untimed warm-up request, as a
// browser holds its connection open; the server still closes a connection after its request limit, and
// the requests that open a new one are timed and counted.
//
// With --while-pid PID it keeps sending until that process exits (so it covers exactly another load's
// run) instead of stopping after --requests. With --rate R the connections together send R requests/s
// (each on its own schedule, as a page polling its lists would) instead of one after another.
//
// It is a benchmark: it prints figures and never fails on speed (exit 1 only on usage or sign-in errors).
// The server's self-signed certificate is not checked: the program measures, it does not trust.
#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include <signal.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_stats.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kCookie = "__Host-postern";

struct Options {
  std::string host = "127.0.0.1";
  int port = 8443;
  std::string login = "admin";
  std::string passwordFile;
  std::string path = "/api/v1/me";
  int requests = 1000;
  int connections = 4;
  int whilePid = 0;
  double rate = 0;  // requests/s over all connections; 0: as fast as the answers come
};

std::string origin(const Options& o) { return "https://" + o.host + ":" + std::to_string(o.port); }

std::string readPassword(const Options& o) {
  std::string password;
  if (o.passwordFile.empty()) {
    std::getline(std::cin, password);
  } else {
    std::ifstream in(o.passwordFile);
    if (!in) throw std::runtime_error("cannot read " + o.passwordFile);
    std::getline(in, password);
  }
  if (password.empty()) throw std::runtime_error("no password given (--password-file or standard input)");
  return password;
}

// Returns the session cookie's value; the password goes into the request body and nowhere else.
std::string signIn(const Options& o, const Poco::Net::Context::Ptr& ctx) {
  Poco::Net::HTTPSClientSession session(o.host, static_cast<Poco::UInt16>(o.port), ctx);
  Poco::JSON::Object body;
  body.set("login", o.login);
  body.set("password", readPassword(o));
  std::ostringstream text;
  body.stringify(text);

  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/login",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Origin", origin(o));
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(text.str().size()));
  session.sendRequest(request) << text.str();
  Poco::Net::HTTPResponse response;
  std::string answer;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
    throw std::runtime_error("sign-in answered " + std::to_string(response.getStatus()) + ": " + answer);
  std::vector<Poco::Net::HTTPCookie> cookies;
  response.getCookies(cookies);
  for (const auto& cookie : cookies)
    if (cookie.getName() == kCookie) return cookie.getValue();
  throw std::runtime_error(std::string("sign-in answer set no ") + kCookie + " cookie");
}

bool stillRunning(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

class Worker {
 public:
  Worker(const Options& o, const Poco::Net::Context::Ptr& ctx, const std::string& cookie)
      : options_(o), session_(o.host, static_cast<Poco::UInt16>(o.port), ctx) {
    cookies_.add(kCookie, cookie);
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(30, 0));
  }

  // One GET; returns the HTTP status and whether the server kept the connection open.
  int get(bool& keptOpen) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, options_.path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.setCookies(cookies_);
    session_.sendRequest(request);
    Poco::Net::HTTPResponse response;
    body_.clear();
    Poco::StreamCopier::copyToString(session_.receiveResponse(response), body_);
    keptOpen = response.getKeepAlive();
    return static_cast<int>(response.getStatus());
  }

  const std::string& lastBody() const { return body_; }

 private:
  const Options& options_;
  Poco::Net::HTTPSClientSession session_;
  Poco::Net::NameValueCollection cookies_;
  std::string body_;
};

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
    else if (a == "--login")
      o.login = value();
    else if (a == "--password-file")
      o.passwordFile = value();
    else if (a == "--path")
      o.path = value();
    else if (a == "--requests")
      o.requests = std::stoi(value());
    else if (a == "--connections")
      o.connections = std::stoi(value());
    else if (a == "--while-pid")
      o.whilePid = std::stoi(value());
    else if (a == "--rate")
      o.rate = std::stod(value());
    else
      throw std::invalid_argument("unknown option " + a);
  }
  if (o.connections < 1 || o.requests < 1)
    throw std::invalid_argument("--connections and --requests must be > 0");
  if (o.path.empty() || o.path[0] != '/') throw std::invalid_argument("--path must start with /");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "web_load: " << e.what()
              << "\nusage: web_load [--host H] [--port P] [--login L] [--password-file F (else stdin)]\n"
                 "                [--path /api/v1/...] [--requests N] [--connections C] [--while-pid PID]\n"
                 "                [--rate REQUESTS_PER_S]\n";
    return 1;
  }
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);

  std::string cookie;
  try {
    cookie = signIn(o, ctx);
  } catch (const std::exception& e) {
    std::cerr << "web_load: sign-in failed: " << e.what() << "\n";
    return 1;
  }

  std::mutex mutex;
  std::vector<double> latencies;
  std::vector<std::string> errorTexts;
  std::atomic<int> remaining{o.requests};
  std::atomic<int> errors{0};
  std::atomic<int> reconnections{0};
  std::atomic<long long> bytes{0};
  auto more = [&] { return o.whilePid > 0 ? stillRunning(o.whilePid) : remaining-- > 0; };

  // Warm-up first, on every connection, so the timed phase starts with all handshakes done.
  std::vector<std::unique_ptr<Worker>> workers;
  try {
    for (int c = 0; c < o.connections; ++c) {
      workers.push_back(std::make_unique<Worker>(o, ctx, cookie));
      bool keptOpen = true;
      const int status = workers.back()->get(keptOpen);
      if (status != 200)
        std::printf("warning: %s answered %d: %.200s\n", o.path.c_str(), status,
                    workers.back()->lastBody().c_str());
    }
  } catch (const std::exception& e) {
    std::cerr << "web_load: warm-up failed: " << e.what() << "\n";
    return 1;
  }

  const auto start = Clock::now();
  std::vector<std::thread> threads;
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.rate > 0 ? o.connections / o.rate : 0.0));
  for (std::size_t c = 0; c < workers.size(); ++c) {
    threads.emplace_back([&, w = workers[c].get(), c] {
      std::vector<double> mine;
      auto next = start + period * static_cast<int>(c) / o.connections;
      while (more()) {
        if (o.rate > 0) {
          std::this_thread::sleep_until(next);
          next += period;
        }
        const auto sent = Clock::now();
        try {
          bool keptOpen = true;
          const int status = w->get(keptOpen);
          mine.push_back(std::chrono::duration<double>(Clock::now() - sent).count());
          bytes += static_cast<long long>(w->lastBody().size());
          if (!keptOpen) ++reconnections;
          if (status != 200) {
            ++errors;
            std::lock_guard lock(mutex);
            if (errorTexts.size() < 5) errorTexts.push_back(std::to_string(status) + " " + w->lastBody());
          }
        } catch (const std::exception& e) {
          ++errors;
          std::lock_guard lock(mutex);
          if (errorTexts.size() < 5) errorTexts.push_back(e.what());
        }
      }
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  const auto count = latencies.size();
  std::printf("scenario: GET %s, %d keep-alive HTTPS connections, one session, ", o.path.c_str(),
              o.connections);
  if (o.rate > 0)
    std::printf("paced at %.0f requests/s\n", o.rate);
  else
    std::printf("unpaced (each connection sends again as soon as it has its answer)\n");
  std::printf("requests: %zu in %.3f s = %.1f requests/s, %.1f KiB per answer\n", count, elapsed,
              elapsed > 0 ? static_cast<double>(count) / elapsed : 0.0,
              count > 0 ? static_cast<double>(bytes.load()) / static_cast<double>(count) / 1024.0 : 0.0);
  std::printf("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", percentile(latencies, 0.50) * 1e3,
              percentile(latencies, 0.99) * 1e3, percentile(latencies, 1.0) * 1e3);
  std::printf("connections closed by the server and reopened: %d\n", reconnections.load());
  std::printf("errors: %d\n", errors.load());
  for (const auto& text : errorTexts) std::printf("  %.200s\n", text.c_str());
  return 0;
}
