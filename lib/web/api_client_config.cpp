#include "web/api_client_config.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>

#include <sstream>

#include "clientconfig/apple_profile.h"
#include "clientconfig/autoconfig.h"
#include "clientconfig/autodiscover.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"
#include "web/http_error.h"
#include "web/public_documents.h"

namespace postern::web {

namespace {

void sendDocument(RequestContext& context, const char* contentType, const std::string& document) {
  context.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  context.response.setContentType(contentType);
  context.response.set("Cache-Control", "no-store");
  context.response.sendBuffer(document.data(), document.size());
}

void sendProfile(RequestContext& context, const std::string& login, const std::string& document) {
  context.response.set("Content-Disposition",
                       "attachment; filename=\"" + clientconfig::appleProfileFileName(login) + "\"");
  sendDocument(context, clientconfig::kAppleProfileContentType, document);
}

// The domain of an autoconfig.DOMAIN Host header (web::requestHostName: port, final dot and letter case
// dropped); empty for any other host.
std::string autoconfigHostDomain(const RequestContext& context) {
  const auto host = requestHostName(context.request);
  constexpr std::string_view prefix = "autoconfig.";
  return host && host->compare(0, prefix.size(), prefix) == 0 ? host->substr(prefix.size()) : std::string();
}

HttpError unauthorized() {
  return HttpError(401, "unauthorized", "sign in with your mail address and its password", {},
                   {{"WWW-Authenticate", kProfileRealm}});
}

// The decoded "login:password", wiped when done with.
struct BasicCredentials {
  core::SecretString decoded;
  std::size_t colon = 0;
  std::string login() const { return decoded.str().substr(0, colon); }
  std::string_view password() const { return decoded.view().substr(colon + 1); }
};

// RFC 7617 §2: "Basic" base64(user-id ":" password); the user-id cannot hold ':', the password may.
BasicCredentials basicCredentials(const RequestContext& context) {
  if (!context.request.has("Authorization")) throw unauthorized();
  const std::string header(core::trim(context.request.get("Authorization")));
  const auto space = header.find(' ');
  if (space == std::string::npos || core::toLowerAscii(header.substr(0, space)) != "basic")
    throw unauthorized();
  auto decoded = core::base64Decode(core::trim(std::string_view(header).substr(space + 1)));
  if (!decoded) throw unauthorized();
  BasicCredentials credentials{core::SecretString(std::move(*decoded)), 0};
  credentials.colon = credentials.decoded.view().find(':');
  if (credentials.colon == std::string_view::npos) throw unauthorized();
  return credentials;
}

void answerAutoconfig(admin::ClientSetup& setup, RequestContext& context) {
  const std::string address = context.query("emailaddress").value_or("");
  sendDocument(context, clientconfig::kAutoconfigContentType,
               setup.autoconfig(address, address.empty() ? autoconfigHostDomain(context) : std::string()));
}

void answerAutodiscover(admin::ClientSetup& setup, RequestContext& context) {
  admin::AutodiscoverAnswer answer;
  try {
    answer = context.request.getMethod() == "POST"
                 ? setup.autodiscover(context.body)
                 : setup.autodiscoverFor(context.query("emailaddress").value_or(""));
  } catch (const core::InvalidValue& e) {
    throw HttpError::badRequest(e.what());  // the body is unreadable: not a value to correct in a form
  }
  sendDocument(context, clientconfig::kAutodiscoverContentType, answer.document);
}

}  // namespace

void addClientConfigRoutes(Router& router, admin::ClientSetup& setup) {
  const auto autoconfig = [&setup](RequestContext& context) { answerAutoconfig(setup, context); };
  router.add(Method::Get, "/.well-known/autoconfig/mail/config-v1.1.xml", autoconfig);
  router.add(Method::Get, "/mail/config-v1.1.xml", autoconfig);

  const auto autodiscover = [&setup](RequestContext& context) { answerAutodiscover(setup, context); };
  for (const char* path : {"/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"}) {
    router.add(Method::Post, path, autodiscover);
    router.add(Method::Get, path, autodiscover);
  }

  router.add(Method::Get, "/profile.mobileconfig", [&setup](RequestContext& context) {
    const BasicCredentials credentials = basicCredentials(context);
    const admin::ProfileDownload download = setup.profileWithPassword(
        credentials.login(), credentials.password(), context.clientAddress.toString());
    auto& log = Poco::Logger::get("web");
    const std::string who = "client=" + core::logValue(context.clientAddress.toString());
    switch (download.status) {
      case admin::ProfileDownload::Status::Ok:
        log.information("mail profile downloaded: login=" + core::logValue(download.login) + " " + who);
        sendProfile(context, download.login, download.document);
        return;
      case admin::ProfileDownload::Status::Refused:
        log.warning("mail profile refused: wrong credentials " + who);
        throw unauthorized();
      case admin::ProfileDownload::Status::Throttled:
        log.warning("mail profile refused: too many failed sign-ins " + who);
        throw HttpError(429, "too_many_requests", "too many failed attempts: try again later", {},
                        {{"Retry-After", "600"}});
      case admin::ProfileDownload::Status::Unavailable:
        throw HttpError(503, "unavailable", "the mail accounts cannot be checked now: try again shortly", {},
                        {{"Retry-After", "30"}});
    }
  });
}

namespace {

// {"submissionHost", "implicitTlsPort", "startTlsPort", "incoming": {"protocol", "host", "port", "security"}
// or null, "displayName"}; an absent port is null.
Poco::JSON::Object settingsJson(const clientconfig::ClientSettings& s) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  const auto port = [](const std::optional<std::uint16_t>& p) {
    return p ? Poco::Dynamic::Var(*p) : Poco::Dynamic::Var();
  };
  json.set("submissionHost", s.submissionHost);
  json.set("implicitTlsPort", port(s.implicitTls));
  json.set("startTlsPort", port(s.startTls));
  if (s.incoming) {
    Poco::JSON::Object::Ptr in = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    in->set("protocol", s.incoming->protocol == clientconfig::IncomingProtocol::Imap ? "imap" : "pop3");
    in->set("host", s.incoming->host);
    in->set("port", s.incoming->port);
    in->set("security", s.incoming->security == clientconfig::Security::ImplicitTls ? "ssl" : "starttls");
    json.set("incoming", in);
  } else {
    json.set("incoming", Poco::Dynamic::Var());
  }
  json.set("displayName", s.displayName);
  return json;
}

}  // namespace

void addClientProfileAdminRoute(Router& router, admin::ClientSetup& setup, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/client-settings", guard.read([&setup](RequestContext& context) {
    context.sendJson(200, settingsJson(setup.settings()));
  }));
  router.add(Method::Get, "/api/v1/users/{login}/profile.mobileconfig",
             guard.read([&setup](RequestContext& context) {
               const std::string& login = context.param("login");
               const std::string document = setup.profileOf(login);
               sendProfile(context, core::toLowerAscii(login), document);
             }));
}

}  // namespace postern::web
