#include "fake_token_endpoint.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

namespace postern::test {

class FakeTokenEndpoint::Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeTokenEndpoint& owner) : owner_(owner) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    RecordedRequest recorded;
    recorded.method = request.getMethod();
    recorded.uri = request.getURI();
    recorded.contentType = request.getContentType();
    recorded.accept = request.get("Accept", "");
    Poco::StreamCopier::copyToString(request.stream(), recorded.body);
    const ScriptedAnswer answer = owner_.record(std::move(recorded));
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    response.setContentType(answer.contentType);
    if (!answer.location.empty()) response.set("Location", answer.location);
    if (answer.chunked) {
      response.setChunkedTransferEncoding(true);
      response.send() << answer.body;
    } else {
      response.sendBuffer(answer.body.data(), answer.body.size());
    }
  }

 private:
  FakeTokenEndpoint& owner_;
};

namespace {

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeTokenEndpoint& owner) : owner_(owner) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FakeTokenEndpoint::Handler(owner_);
  }

 private:
  FakeTokenEndpoint& owner_;
};

}  // namespace

FakeTokenEndpoint::FakeTokenEndpoint(Poco::Net::Context::Ptr tls) : tls_(!tls.isNull()) {
  default_.body = R"({"token_type":"Bearer","expires_in":3600,"access_token":"default-access-token"})";
  const Poco::Net::SocketAddress address("127.0.0.1", 0);
  Poco::Net::ServerSocket socket =
      tls_ ? Poco::Net::SecureServerSocket(address, 64, tls) : Poco::Net::ServerSocket(address);
  port_ = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(false);
  params->setTimeout(Poco::Timespan(5, 0));
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
  server_->start();
}

FakeTokenEndpoint::~FakeTokenEndpoint() {
  server_->stopAll(true);
  pool_.joinAll();
}

void FakeTokenEndpoint::enqueue(ScriptedAnswer answer) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(answer));
}

void FakeTokenEndpoint::setDefault(ScriptedAnswer answer) {
  std::lock_guard lock(mutex_);
  default_ = std::move(answer);
}

std::vector<RecordedRequest> FakeTokenEndpoint::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::string FakeTokenEndpoint::url(const std::string& host) const {
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) +
         "/tenant-id/oauth2/v2.0/token";
}

ScriptedAnswer FakeTokenEndpoint::record(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
  if (script_.empty()) return default_;
  ScriptedAnswer answer = std::move(script_.front());
  script_.pop_front();
  return answer;
}

}  // namespace postern::test
