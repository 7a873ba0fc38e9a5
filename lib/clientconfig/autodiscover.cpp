#include "clientconfig/autodiscover.h"

#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/DefaultHandler.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/SAX/XMLReader.h>

#include <vector>

#include "clientconfig/xml_text.h"
#include "core/error.h"
#include "core/text.h"

namespace postern::clientconfig {

namespace {

constexpr const char* kResponseNamespace =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";

// Collects the text of Autodiscover/Request/EMailAddress and …/AcceptableResponseSchema by local name (the
// request's namespace varies in case between Outlook versions; the element path is what matters).
class RequestHandler final : public Poco::XML::DefaultHandler {
 public:
  void startElement(const Poco::XML::XMLString&, const Poco::XML::XMLString& localName,
                    const Poco::XML::XMLString& qname, const Poco::XML::Attributes&) override {
    path_.push_back(localName.empty() ? qname : localName);
  }
  void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                  const Poco::XML::XMLString&) override {
    if (!path_.empty()) path_.pop_back();
  }
  void characters(const Poco::XML::XMLChar ch[], int start, int length) override {
    if (path_.size() != 3 || path_[0] != "Autodiscover" || path_[1] != "Request") return;
    if (path_[2] == "EMailAddress") {
      sawAddress = true;
      address.append(ch + start, static_cast<std::size_t>(length));
    } else if (path_[2] == "AcceptableResponseSchema") {
      schema.append(ch + start, static_cast<std::size_t>(length));
    }
  }

  std::string address;
  std::string schema;
  bool sawAddress = false;

 private:
  std::vector<std::string> path_;
};

bool containsDoctype(std::string_view body) {
  return core::toLowerAscii(body).find("<!doctype") != std::string::npos;
}

std::string protocol(const char* type, const std::string& host, std::uint16_t port, Security security,
                     const std::string& login, bool smtp) {
  std::string out = std::string("      <Protocol>\n        <Type>") + type + "</Type>\n" +
                    "        <Server>" + xmlText(host) + "</Server>\n" + "        <Port>" +
                    std::to_string(port) + "</Port>\n" + "        <DomainRequired>off</DomainRequired>\n" +
                    "        <LoginName>" + login + "</LoginName>\n" + "        <SPA>off</SPA>\n" +
                    "        <SSL>on</SSL>\n" + "        <Encryption>" +
                    (security == Security::ImplicitTls ? "SSL" : "TLS") + "</Encryption>\n" +
                    "        <AuthRequired>on</AuthRequired>\n";
  if (smtp) out += "        <UsePOPAuth>off</UsePOPAuth>\n        <SMTPLast>off</SMTPLast>\n";
  return out + "      </Protocol>\n";
}

}  // namespace

AutodiscoverRequest parseAutodiscoverRequest(std::string_view body) {
  if (body.size() > kMaxAutodiscoverRequest)
    throw core::InvalidValue("request", "the Autodiscover request is larger than " +
                                            std::to_string(kMaxAutodiscoverRequest) + " bytes");
  if (containsDoctype(body))
    throw core::InvalidValue("request", "the Autodiscover request must not hold a document type declaration");
  RequestHandler handler;
  Poco::XML::SAXParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setContentHandler(&handler);
  try {
    parser.parseMemoryNP(body.data(), body.size());
  } catch (const Poco::Exception&) {
    throw core::InvalidValue("request", "the Autodiscover request is not well-formed XML");
  }
  if (!handler.sawAddress || core::trim(handler.address).empty())
    throw core::InvalidValue("request", "the Autodiscover request names no Request/EMailAddress");
  return AutodiscoverRequest{std::string(core::trim(handler.address)),
                             std::string(core::trim(handler.schema))};
}

bool wantsOutlookSchema(const AutodiscoverRequest& request) {
  return request.responseSchema.empty() || request.responseSchema == kOutlookResponseSchema;
}

std::string autodiscoverResponse(const ClientSettings& settings, std::string_view address) {
  const std::string login = xmlText(address);
  const std::string domain(address.substr(address.rfind('@') + 1));
  std::string out =
      std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\"") + kResponseNamespace +
      "\">\n  <Response xmlns=\"" + kOutlookResponseSchema + "\">\n" + "    <User>\n      <DisplayName>" +
      xmlText(displayNameFor(settings, domain)) + "</DisplayName>\n    </User>\n" +
      "    <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n";
  if (settings.incoming) {
    const IncomingServer& in = *settings.incoming;
    out += protocol(in.protocol == IncomingProtocol::Imap ? "IMAP" : "POP3", in.host, in.port, in.security,
                    login, false);
  }
  if (settings.implicitTls)
    out +=
        protocol("SMTP", settings.submissionHost, *settings.implicitTls, Security::ImplicitTls, login, true);
  if (settings.startTls)
    out += protocol("SMTP", settings.submissionHost, *settings.startTls, Security::StartTls, login, true);
  out += "    </Account>\n  </Response>\n</Autodiscover>\n";
  return out;
}

std::string autodiscoverSchemaNotAvailable() {
  return std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\"") +
         kResponseNamespace +
         "\">\n  <Response>\n    <Error>\n      <ErrorCode>601</ErrorCode>\n"
         "      <Message>Provider is not available for the requested schema</Message>\n"
         "      <DebugData />\n    </Error>\n  </Response>\n</Autodiscover>\n";
}

}  // namespace postern::clientconfig
