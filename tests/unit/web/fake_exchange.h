// Fakes for one HTTP exchange without a socket: a request with headers and a body stream, a response that
// records what was sent, and the RequestContext the connection would build from them (path and query split
// as the server splits them).
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>

#include <sstream>
#include <string>

#include "web/request_context.h"

namespace postern::test {

class FakeResponse final : public Poco::Net::HTTPServerResponse {
 public:
  void sendContinue() override { ++continues; }
  std::ostream& send() override {
    sent_ = true;
    return body_;
  }
  void sendFile(const std::string&, const std::string&) override { sent_ = true; }
  void sendBuffer(const void* data, std::size_t length) override {
    sent_ = true;
    setContentLength64(static_cast<Poco::Int64>(length));
    body_.write(static_cast<const char*>(data), static_cast<std::streamsize>(length));
  }
  void redirect(const std::string&, HTTPStatus) override { sent_ = true; }
  void requireAuthentication(const std::string&) override { sent_ = true; }
  bool sent() const override { return sent_; }

  std::string body() const { return body_.str(); }
  int status() const { return static_cast<int>(getStatus()); }
  std::string field(const std::string& name) const { return has(name) ? get(name) : std::string("<absent>"); }
  int continues = 0;

 private:
  std::ostringstream body_;
  bool sent_ = false;
};

class FakeRequest final : public Poco::Net::HTTPServerRequest {
 public:
  FakeRequest(const std::string& method, const std::string& uri, const std::string& body,
              FakeResponse& response)
      : body_(body), response_(response), params_(new Poco::Net::HTTPServerParams) {
    setMethod(method);
    setURI(uri);
  }
  std::istream& stream() override { return body_; }
  const Poco::Net::SocketAddress& clientAddress() const override { return client_; }
  const Poco::Net::SocketAddress& serverAddress() const override { return server_; }
  const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
  Poco::Net::HTTPServerResponse& response() const override { return response_; }
  bool secure() const override { return true; }

  std::istringstream& bodyStream() { return body_; }

 private:
  std::istringstream body_;
  FakeResponse& response_;
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::SocketAddress client_{"127.0.0.1", 40000};
  Poco::Net::SocketAddress server_{"127.0.0.1", 8443};
};

// One request and its response, with the context a connection would hand the dispatcher.
struct FakeExchange {
  FakeExchange(const std::string& method, const std::string& uri, const std::string& body = {},
               const std::string& contentType = {})
      : request(method, uri, body, response),
        context{request,
                response,
                Poco::Net::IPAddress("127.0.0.1"),
                uri.substr(0, uri.find('?')),
                query(uri),
                body,
                {},
                std::nullopt,
                {},
                {}} {
    if (!contentType.empty()) request.setContentType(contentType);
  }

  static std::string query(const std::string& uri) {
    const auto question = uri.find('?');
    return question == std::string::npos ? std::string() : uri.substr(question + 1);
  }

  FakeResponse response;
  FakeRequest request;
  web::RequestContext context;
};

}  // namespace postern::test
