// FakeTokenEndpoint — a scripted OAuth token endpoint on 127.0.0.1 (port 0) over HTTPS (a certificate from
// TestPki) or plain HTTP, after Poco's DialogServer (STYLE.md §9): it records every request that reached
// HTTP (method, URI, headers, body) and answers from a queue of scripted answers, then with the default
// answer (a valid token). A client that fails the TLS handshake leaves no record.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace postern::test {

struct RecordedRequest {
  std::string method;
  std::string uri;
  std::string contentType;
  std::string accept;
  std::string body;
};

struct ScriptedAnswer {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::string location;  // for redirects
  bool chunked = false;  // no Content-Length (Transfer-Encoding: chunked)
};

class FakeTokenEndpoint {
 public:
  explicit FakeTokenEndpoint(Poco::Net::Context::Ptr tls = nullptr);  // null: plain HTTP
  ~FakeTokenEndpoint();
  FakeTokenEndpoint(const FakeTokenEndpoint&) = delete;
  FakeTokenEndpoint& operator=(const FakeTokenEndpoint&) = delete;

  void enqueue(ScriptedAnswer answer);
  void setDefault(ScriptedAnswer answer);
  std::vector<RecordedRequest> requests() const;

  std::uint16_t port() const { return port_; }
  // "https://127.0.0.1:PORT/tenant-id/oauth2/v2.0/token" (http:// without TLS)
  std::string url(const std::string& host = "127.0.0.1") const;

  class Handler;
  friend class Handler;

 private:
  ScriptedAnswer record(RecordedRequest request);

  bool tls_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::deque<ScriptedAnswer> script_;
  ScriptedAnswer default_;
  std::vector<RecordedRequest> requests_;
  Poco::ThreadPool pool_{1, 4};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace postern::test
