#include "clientconfig/autoconfig.h"

#include "clientconfig/xml_text.h"

namespace postern::clientconfig {

namespace {

std::string socketType(Security security) { return security == Security::ImplicitTls ? "SSL" : "STARTTLS"; }

// The inner lines of one server element; every value escaped, including those from settings.
std::string serverLines(const std::string& host, std::uint16_t port, Security security) {
  return "      <hostname>" + xmlText(host) + "</hostname>\n" + "      <port>" + std::to_string(port) +
         "</port>\n" + "      <socketType>" + socketType(security) + "</socketType>\n" +
         "      <authentication>password-cleartext</authentication>\n" +
         "      <username>%EMAILADDRESS%</username>\n";
}

}  // namespace

std::string thunderbirdAutoconfig(const ClientSettings& settings, std::string_view domain) {
  const std::string name = xmlText(displayNameFor(settings, domain));
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<clientConfig version=\"1.1\">\n"
      "  <emailProvider id=\"" +
      xmlText(domain) +
      "\">\n"
      "    <domain>" +
      xmlText(domain) + "</domain>\n    <displayName>" + name + "</displayName>\n    <displayShortName>" +
      name + "</displayShortName>\n";
  if (settings.incoming) {
    const IncomingServer& in = *settings.incoming;
    out += std::string("    <incomingServer type=\"") +
           (in.protocol == IncomingProtocol::Imap ? "imap" : "pop3") + "\">\n" +
           serverLines(in.host, in.port, in.security) + "    </incomingServer>\n";
  }
  if (settings.implicitTls)
    out += "    <outgoingServer type=\"smtp\">\n" +
           serverLines(settings.submissionHost, *settings.implicitTls, Security::ImplicitTls) +
           "    </outgoingServer>\n";
  if (settings.startTls)
    out += "    <outgoingServer type=\"smtp\">\n" +
           serverLines(settings.submissionHost, *settings.startTls, Security::StartTls) +
           "    </outgoingServer>\n";
  out += "  </emailProvider>\n</clientConfig>\n";
  return out;
}

}  // namespace postern::clientconfig
