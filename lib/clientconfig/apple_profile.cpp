#include "clientconfig/apple_profile.h"

#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>

#include "clientconfig/xml_text.h"
#include "core/error.h"

namespace postern::clientconfig {

namespace {

std::string nameBasedUuid(const std::string& name) {
  Poco::SHA1Engine sha1;
  return Poco::UUIDGenerator::defaultGenerator()
      .createFromName(Poco::UUID::dns(), name, sha1, Poco::UUID::UUID_NAME_BASED_SHA1)
      .toString();
}

// "mail.example.org" → "org.example.mail": the reverse-DNS prefix Apple asks of payload identifiers.
std::string reverseDns(std::string_view host) {
  std::string out;
  while (!host.empty()) {
    const auto dot = host.rfind('.');
    const std::string_view label = dot == std::string_view::npos ? host : host.substr(dot + 1);
    if (!label.empty()) out += (out.empty() ? "" : ".") + std::string(label);
    host = dot == std::string_view::npos ? std::string_view() : host.substr(0, dot);
  }
  return out;
}

// The entries of one plist <dict>, each value escaped, at one indentation.
class DictEntries {
 public:
  explicit DictEntries(std::string indent) : indent_(std::move(indent)) {}
  void text(const char* name, const std::string& value) {
    key(name);
    out_ += indent_ + "<string>" + xmlText(value) + "</string>\n";
  }
  void number(const char* name, std::uint16_t value) {
    key(name);
    out_ += indent_ + "<integer>" + std::to_string(value) + "</integer>\n";
  }
  void flag(const char* name, bool value) {
    key(name);
    out_ += indent_ + (value ? "<true/>\n" : "<false/>\n");
  }
  const std::string& str() const { return out_; }

 private:
  void key(const char* name) { out_ += indent_ + "<key>" + name + "</key>\n"; }

  std::string indent_;
  std::string out_;
};

}  // namespace

std::string appleProfile(const ClientSettings& settings, std::string_view login) {
  if (!settings.incoming)
    throw core::Conflict(
        "an Apple profile needs the incoming mail server: set clients.incoming (e.g. "
        "imap:imap.example.net:993:ssl)");
  if (!settings.implicitTls && !settings.startTls)
    throw core::Conflict(
        "an Apple profile needs a submission port: no listen.submissions or listen.submission");
  const IncomingServer& in = *settings.incoming;
  const std::string address(login);
  const std::string domain(login.substr(login.rfind('@') + 1));
  const std::string name = displayNameFor(settings, domain);
  const std::uint16_t port = settings.implicitTls ? *settings.implicitTls : *settings.startTls;
  const std::string seed = settings.submissionHost + "/" + address;
  const std::string profileUuid = nameBasedUuid("profile/" + seed);
  const std::string mailUuid = nameBasedUuid("mail/" + seed);
  const std::string prefix = reverseDns(settings.submissionHost) + ".postern.";

  DictEntries mail("        ");
  mail.text("EmailAccountDescription", name + " (" + address + ")");
  mail.text("EmailAccountName", address);
  mail.text("EmailAccountType", in.protocol == IncomingProtocol::Imap ? "EmailTypeIMAP" : "EmailTypePOP");
  mail.text("EmailAddress", address);
  mail.text("IncomingMailServerAuthentication", "EmailAuthPassword");
  mail.text("IncomingMailServerHostName", in.host);
  mail.number("IncomingMailServerPortNumber", in.port);
  mail.flag("IncomingMailServerUseSSL", true);
  mail.text("IncomingMailServerUsername", address);
  mail.text("OutgoingMailServerAuthentication", "EmailAuthPassword");
  mail.text("OutgoingMailServerHostName", settings.submissionHost);
  mail.number("OutgoingMailServerPortNumber", port);
  mail.flag("OutgoingMailServerUseSSL", true);
  mail.text("OutgoingMailServerUsername", address);
  mail.flag("OutgoingPasswordSameAsIncomingPassword", false);
  mail.text("PayloadDescription", "Sending through Postern at " + settings.submissionHost);
  mail.text("PayloadDisplayName", name + " mail");
  mail.text("PayloadIdentifier", prefix + "mail." + mailUuid);
  mail.text("PayloadType", "com.apple.mail.managed");
  mail.text("PayloadUUID", mailUuid);
  mail.number("PayloadVersion", 1);

  DictEntries profile("    ");
  profile.text("PayloadDescription", "Mail settings for " + address + ": sending through " +
                                         settings.submissionHost + " with TLS and a password.");
  profile.text("PayloadDisplayName", name + " mail (" + address + ")");
  profile.text("PayloadIdentifier", prefix + "profile." + profileUuid);
  profile.flag("PayloadRemovalDisallowed", false);
  profile.text("PayloadType", "Configuration");
  profile.text("PayloadUUID", profileUuid);
  profile.number("PayloadVersion", 1);

  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
         "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
         "<plist version=\"1.0\">\n  <dict>\n    <key>PayloadContent</key>\n    <array>\n      <dict>\n" +
         mail.str() + "      </dict>\n    </array>\n" + profile.str() + "  </dict>\n</plist>\n";
}

std::string appleProfileFileName(std::string_view login) {
  std::string out = "postern-";
  for (const char ch : login) {
    const auto byte = static_cast<unsigned char>(ch);
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-')
      out += ch;
    else if (ch >= 'A' && ch <= 'Z')
      out += static_cast<char>(ch - 'A' + 'a');
    else if (ch == '@')
      out += '-';
    else if (byte > 0x20)
      out += '_';
  }
  return out + ".mobileconfig";
}

}  // namespace postern::clientconfig
