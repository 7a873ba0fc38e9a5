#include "app/routes.h"

#include "relay/route_table.h"

namespace postern::app {

relay::RelayOptions baseRelayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o;
  o.heloName = hostname;
  o.connectTimeout = cfg.relay.connectTimeout;
  o.commandTimeout = cfg.relay.commandTimeout;
  o.dataTimeout = cfg.relay.dataTimeout;
  o.idleTimeout = cfg.relay.idleTimeout;
  return o;
}

relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o = baseRelayOptions(cfg, hostname);
  for (const auto& host : cfg.relay.smarthosts) o.smarthosts.push_back(relay::Endpoint{host.host, host.port});
  switch (cfg.relay.tls) {
    case config::Config::RelayTls::StartTls:
      o.tls = relay::TlsMode::StartTls;
      break;
    case config::Config::RelayTls::Implicit:
      o.tls = relay::TlsMode::Implicit;
      break;
    case config::Config::RelayTls::None:
      o.tls = relay::TlsMode::None;
      break;
  }
  o.caFile = cfg.relay.caFile;
  if (!cfg.relay.username.empty()) {
    o.auth.mechanism = relay::AuthMechanism::Password;
    o.auth.username = cfg.relay.username;
    o.auth.password = cfg.relay.password;
  }
  o.maxConnections = cfg.relay.maxConnections;
  return o;
}

relay::RoutedTransportOptions routedTransportOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RoutedTransportOptions o;
  o.base = baseRelayOptions(cfg, hostname);
  if (!cfg.relay.smarthosts.empty()) o.smarthost = configRelayOptions(cfg, hostname);
  return o;
}

std::string routeFor(const config::Config& cfg, routing::RouteAdmin& admin, const std::string& sender,
                     const std::string& firstRecipient) {
  std::vector<relay::RoutePatterns> table;
  for (const auto& r : admin.list()) table.push_back(relay::RoutePatterns{r.name, r.senders});
  const auto routes = relay::withConfiguredDefault(std::move(table), !cfg.relay.smarthosts.empty());
  const auto index = relay::RouteTable(routes).lookup(sender, firstRecipient);
  return index ? routes[*index].name : std::string();
}

}  // namespace postern::app
