// The web admin's, the public site's and the DNS checks' keys: the tail of the key table (keys.cpp).
#include "config/key_builders.h"

namespace postern::config {

using namespace keydefs;

std::vector<KeyDef> siteAndDnsKeys() {
  using namespace std::chrono;
  return {
      listeners(
          "admin.listen",
          "Listeners of the web admin (HTTPS), HOST:PORT as for listen.submission; empty turns it off.\n"
          "The default serves this machine only; from elsewhere use an SSH tunnel:\n"
          "ssh -L 8443:127.0.0.1:8443 HOST, then https://127.0.0.1:8443/.",
          [](Config& c) -> std::vector<ListenAddress>& { return c.admin.listen; }),
      networks(
          "admin.allowed_networks",
          "Client networks that may connect to the web admin, comma-separated ADDRESS/PREFIX. Others get\n"
          "403 before a request is read. IPv4 clients of an IPv6 listener match the IPv4 networks.\n"
          "0.0.0.0/0, ::/0 allows every client.",
          [](Config& c) -> std::vector<core::IpNetwork>& { return c.admin.allowedNetworks; }),
      text(
          "admin.tls.certificate",
          "PEM certificate chain of the web admin. Empty: the SMTP listeners' certificate (tls.certificate,\n"
          "or the generated self-signed one).",
          [](Config& c) -> std::string& { return c.admin.tls.certificate; }, optionalPath),
      text(
          "admin.tls.private_key", "PEM private key of admin.tls.certificate. Empty together with it.",
          [](Config& c) -> std::string& { return c.admin.tls.privateKey; }, optionalPath),
      number<std::size_t>(
          "admin.max_threads",
          "Web admin connections served at once; more wait in a short queue, and connections idle between\n"
          "requests make way for them.",
          [](Config& c) -> std::size_t& { return c.admin.maxThreads; }, 1, 64),
      span(
          "admin.session.idle_timeout", "A web admin sign-in ends after this long without a request.",
          [](Config& c) -> std::chrono::seconds& { return c.admin.sessionIdleTimeout; }, minutes(1),
          hours(24)),
      span(
          "admin.session.lifetime", "A web admin sign-in ends this long after it began, however busy.",
          [](Config& c) -> std::chrono::seconds& { return c.admin.sessionLifetime; }, minutes(5),
          hours(24 * 30)),
      // Admin second factor (README "Admin second factor (TOTP)").
      boolean("admin.require_totp",
              "Whether every web admin account must use a second factor (a TOTP app). An account without\n"
              "one is sent to enroll at its next sign-in and can do nothing else until it has.",
              [](Config& c) -> bool& { return c.admin.requireTotp; }),
      listeners(
          "public.listen",
          "Listeners of the public HTTPS site, HOST:PORT as for listen.submission (e.g. 0.0.0.0:443); empty\n"
          "turns it off. It serves only documents other servers and mail clients fetch: the MTA-STS policy\n"
          "at https://mta-sts.DOMAIN/.well-known/mta-sts.txt. Never the admin UI, its API or /healthz.",
          [](Config& c) -> std::vector<ListenAddress>& { return c.publicSite.listen; }),
      text(
          "public.tls.certificate",
          "PEM certificate chain of the public listener; it must be valid for the names clients ask for\n"
          "(mta-sts.DOMAIN of each domain with an MTA-STS policy). Empty: the SMTP listeners' certificate.",
          [](Config& c) -> std::string& { return c.publicSite.tls.certificate; }, optionalPath),
      text(
          "public.tls.private_key", "PEM private key of public.tls.certificate. Empty together with it.",
          [](Config& c) -> std::string& { return c.publicSite.tls.privateKey; }, optionalPath),
      number<std::size_t>(
          "public.max_threads", "Public listener connections served at once; more wait in a short queue.",
          [](Config& c) -> std::size_t& { return c.publicSite.maxThreads; }, 1, 64),
      text(
          "admin.metrics_token",
          "Bearer token that GET /metrics on the admin listener requires (Prometheus' authorization\n"
          "credentials); at least 16 characters of A-Z a-z 0-9 - . _ ~ + /. Empty: any client that\n"
          "admin.allowed_networks admits may read the metrics. For containers set\n"
          "POSTERN_ADMIN_METRICS_TOKEN_FILE to a file holding it.",
          [](Config& c) -> std::string& { return c.admin.metricsToken; },
          [](const std::string& v) -> std::optional<std::string> {
            if (v.empty()) return std::nullopt;
            // RFC 6750 §2.1 b64token, without the trailing '=' padding (no token Postern tells anyone to
            // generate has any).
            if (v.size() < 16) return "must be at least 16 characters (or empty)";
            for (const char ch : v)
              if (!std::isalnum(static_cast<unsigned char>(ch)) &&
                  std::string_view("-._~+/").find(ch) == std::string_view::npos)
                return "may hold only A-Z a-z 0-9 - . _ ~ + /";
            return std::nullopt;
          },
          true),
      text(
          "dns.resolvers",
          "DNS servers the domain record checks ask, comma-separated HOST[:PORT] (IPv6 as [ADDRESS]:PORT).\n"
          "Empty: the system's (/etc/resolv.conf). Mail delivery never waits for these lookups.",
          [](Config& c) -> std::string& { return c.dns.resolvers; },
          [](const std::string& v) -> std::optional<std::string> {
            if (core::trim(v).empty()) return std::nullopt;
            for (const auto& item : core::splitList(v))
              if (core::trim(item).empty() || item.find_first_of(" \t") != std::string::npos)
                return "must be comma-separated HOST[:PORT] addresses";
            return std::nullopt;
          }),
      span(
          "dns.timeout", "Time allowed for each DNS try of a record check, per server.",
          [](Config& c) -> std::chrono::seconds& { return c.dns.timeout; }, seconds(1), seconds(60)),
      number<int>(
          "dns.tries", "Rounds over the DNS servers before a record's lookup counts as failed.",
          [](Config& c) -> int& { return c.dns.tries; }, 1, 5),
      span(
          "dns.check_interval",
          "How often the server checks every domain's DNS records in the background (the first check a\n"
          "minute after start). 0: only on demand (web admin, `postern domain check`).",
          [](Config& c) -> std::chrono::seconds& { return c.dns.checkInterval; }, seconds(0), hours(24 * 7)),
  };
}

}  // namespace postern::config
