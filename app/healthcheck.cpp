#include "app/healthcheck.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <iostream>
#include <string>

#include "app/cli.h"
#include "core/text.h"

namespace postern::app {

namespace {

// A listener on every address is reached on this machine's loopback address of the same family.
std::string localHost(const std::string& host) {
  if (host == "0.0.0.0" || host.empty()) return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

// The server's certificate is not verified: healthcheck runs on the server's own machine (or inside its
// container) and talks to loopback, where nobody can be in the middle, and the admin listener's certificate
// is usually the self-signed one Postern made, whose name is the public host name, not 127.0.0.1. Nothing
// secret is sent.
Poco::Net::Context::Ptr unverifiedClientContext() {
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->enableExtendedCertificateVerification(false);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

Poco::Timespan timeout() { return Poco::Timespan(static_cast<long>(kHealthcheckTimeout.count()), 0); }

// One line: a 503's JSON body names its problems, and the line must not run on for pages.
std::string oneLine(const std::string& text) {
  std::string line = core::printable(text);
  for (char& ch : line)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

int checkAdminListener(const config::ListenAddress& address) {
  const std::string host = localHost(address.host);
  const std::string where = "https://" + config::ListenAddress{host, address.port}.str() + "/healthz";
  Poco::Net::HTTPSClientSession session(host, address.port, unverifiedClientContext());
  session.setTimeout(timeout(), timeout(), timeout());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  // Enough of a 503's body to say why; a misbehaving listener cannot make it read forever.
  std::string text(4096, '\0');
  body.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(body.gcount()));
  if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
    std::cout << "healthy: " << where << " answered 200\n";
    return kExitOk;
  }
  std::cout << "unhealthy: " << where << " answered " << static_cast<int>(response.getStatus()) << " "
            << oneLine(text) << "\n";
  return kExitFailure;
}

// Without the admin UI there is no /healthz: an SMTP greeting shows at least that the server accepts
// and answers; the database and spool are not looked at.
int checkSmtpListener(const config::Config& cfg) {
  const bool implicitTls = cfg.submission.empty() && cfg.alternate.empty();
  const config::ListenAddress& configured =
      !cfg.submission.empty() ? cfg.submission.front()
                              : (!cfg.alternate.empty() ? cfg.alternate.front() : cfg.submissions.front());
  const config::ListenAddress address{localHost(configured.host), configured.port};
  const Poco::Net::SocketAddress target(address.host, address.port);
  Poco::Net::StreamSocket socket;
  if (implicitTls) {
    Poco::Net::SecureStreamSocket secure(unverifiedClientContext());
    secure.connect(target, timeout());
    socket = secure;
  } else {
    socket.connect(target, timeout());
  }
  socket.setReceiveTimeout(timeout());
  socket.setSendTimeout(timeout());
  char buffer[512];
  const int received = socket.receiveBytes(buffer, sizeof buffer);
  const std::string greeting(buffer, received > 0 ? static_cast<std::size_t>(received) : 0);
  const std::string quit = "QUIT\r\n";
  if (greeting.rfind("220", 0) == 0) {
    socket.sendBytes(quit.data(), static_cast<int>(quit.size()));
    std::cout << "healthy: SMTP " << address.str()
              << " greeted with 220 (admin.listen is empty: no /healthz)\n";
    return kExitOk;
  }
  std::cout << "unhealthy: SMTP " << address.str() << " greeted with '" << oneLine(greeting) << "'\n";
  return kExitFailure;
}

}  // namespace

int runHealthcheck(const config::Config& cfg) {
  try {
    if (!cfg.admin.listen.empty()) return checkAdminListener(cfg.admin.listen.front());
    return checkSmtpListener(cfg);
  } catch (const Poco::Exception& e) {
    std::cout << "unhealthy: " << oneLine(e.displayText()) << "\n";
  } catch (const std::exception& e) {
    std::cout << "unhealthy: " << oneLine(e.what()) << "\n";
  }
  return kExitFailure;
}

}  // namespace postern::app
