#include "store/route_repository.h"

#include <algorithm>

#include "core/text.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {
namespace {

constexpr const char* kColumns =
    "id, name, hosts, tls, ca_file, auth, username, password, oauth_grant, oauth_token_url, oauth_client_id, "
    "oauth_client_secret, oauth_scope, oauth_refresh_token, max_connections, version, created_at, "
    "updated_at, spf";

// A mode column's text through its one spelling; text Postern does not know is kept in r.unknownModes, with
// the setting it belongs to, and the caller keeps the field's default rather than guessing.
template <typename Mode>
std::optional<Mode> readMode(std::optional<Mode> (*parse)(std::string_view), const std::string& text,
                             const char* setting, RouteRecord& r) {
  auto mode = parse(text);
  if (!mode) r.unknownModes.push_back(UnknownMode{setting, text});
  return mode;
}

RouteRecord readRow(const Statement& row) {
  RouteRecord r;
  r.id = row.columnInt64(0);
  r.name = row.columnText(1);
  r.hosts = core::splitList(row.columnText(2));  // stored as "host:port, host:port"
  r.tls = readMode(modes::parseTlsMode, row.columnText(3), "tls", r).value_or(r.tls);
  r.caFile = row.columnText(4);
  r.auth = readMode(modes::parseAuthMode, row.columnText(5), "auth", r).value_or(r.auth);
  r.username = row.columnText(6);
  r.sealedPassword = row.columnText(7);
  if (const std::string grant = row.columnText(8); !grant.empty())
    r.oauthGrant = readMode(modes::parseGrant, grant, "grant", r);
  r.oauthTokenUrl = row.columnText(9);
  r.oauthClientId = row.columnText(10);
  r.sealedClientSecret = row.columnText(11);
  r.oauthScope = row.columnText(12);
  r.sealedRefreshToken = row.columnText(13);
  r.maxConnections = static_cast<int>(row.columnInt64(14));
  r.version = row.columnInt64(15);
  r.createdAt = fromUnix(row.columnInt64(16));
  r.updatedAt = fromUnix(row.columnInt64(17));
  r.spf = row.columnText(18);
  return r;
}

// Binds the settings columns as ?1..?14 in kColumns order (name first, then hosts ... max_connections).
// A record read with unknown modes would write defaults over what is stored: refused.
void bindSettings(Statement& s, const RouteRecord& r) {
  if (!r.unknownModes.empty()) {
    const UnknownMode& u = r.unknownModes.front();
    throw InvalidValue(u.setting, "route " + r.name + ": the stored " + u.setting + " '" + u.stored +
                                      "' is unknown and cannot be written back");
  }
  s.bindText(1, r.name)
      .bindText(2, core::join(r.hosts, ", "))
      .bindText(3, modes::tlsModeName(r.tls))
      .bindText(4, r.caFile)
      .bindText(5, modes::authModeName(r.auth))
      .bindText(6, r.username)
      .bindText(7, r.sealedPassword)
      .bindText(8, r.oauthGrant ? modes::grantName(*r.oauthGrant) : std::string_view())
      .bindText(9, r.oauthTokenUrl)
      .bindText(10, r.oauthClientId)
      .bindText(11, r.sealedClientSecret)
      .bindText(12, r.oauthScope)
      .bindText(13, r.sealedRefreshToken)
      .bindInt64(14, r.maxConnections);
}

void loadSenders(Connection& c, RouteRecord& r) {
  Statement q = c.prepare("SELECT pattern FROM relay_route_senders WHERE route_id = ?1 ORDER BY pattern");
  q.bindInt64(1, r.id);
  while (q.step()) r.senders.push_back(q.columnText(0));
}

template <typename Body>
auto translatingConstraints(const std::string& what, Body body) {
  try {
    return body();
  } catch (const ConstraintViolation& e) {
    if (e.kind() == ConstraintViolation::Kind::Unique) throw AlreadyExists(what);
    throw InvalidValue("route: a value is out of range (" + std::string(e.what()) + ")");
  }
}

}  // namespace

RouteRepository::RouteRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::int64_t RouteRepository::now() const { return toUnix(clock_.now()); }

void RouteRepository::insertSenders(Connection& connection, std::int64_t routeId,
                                    const std::vector<std::string>& senders) {
  Statement insert =
      connection.prepare("INSERT INTO relay_route_senders (pattern, route_id) VALUES (?1, ?2)");
  for (const auto& pattern : senders) {
    insert.reset();
    insert.bindText(1, pattern).bindInt64(2, routeId);
    translatingConstraints("sender " + pattern + " already has a route", [&] { insert.run(); });
  }
}

RouteRecord RouteRepository::add(const RouteRecord& route) {
  {
    auto connection = database_.acquire();
    Transaction transaction(*connection);
    Statement insert = connection->prepare(
        "INSERT INTO relay_routes (name, hosts, tls, ca_file, auth, username, password, oauth_grant, "
        "oauth_token_url, oauth_client_id, oauth_client_secret, oauth_scope, oauth_refresh_token, "
        "max_connections, "
        "version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, 1, "
        "?15, ?15)");
    bindSettings(insert, route);
    insert.bindInt64(15, now());
    translatingConstraints("route already exists: " + route.name, [&] { insert.run(); });
    const std::int64_t id = connection->lastInsertRowid();
    insertSenders(*connection, id, route.senders);
    transaction.commit();
  }  // one lease at a time per thread (store/database.h)
  return *find(route.name);
}

RouteRecord RouteRepository::update(const RouteRecord& route, bool keepRefreshToken) {
  {
    auto connection = database_.acquire();
    Transaction transaction(*connection);
    Statement update = connection->prepare(
        "UPDATE relay_routes SET hosts = ?2, tls = ?3, ca_file = ?4, auth = ?5, username = ?6, password = "
        "?7, "
        "oauth_grant = ?8, oauth_token_url = ?9, oauth_client_id = ?10, oauth_client_secret = ?11, "
        "oauth_scope = ?12, oauth_refresh_token = CASE WHEN ?16 THEN oauth_refresh_token ELSE ?13 END, "
        "max_connections = ?14, version = version + 1, updated_at = ?15 WHERE name = ?1");
    bindSettings(update, route);
    update.bindInt64(15, now()).bindInt64(16, keepRefreshToken ? 1 : 0);
    translatingConstraints("route " + route.name, [&] { update.run(); });
    if (connection->changes() == 0) throw NotFound("no route " + route.name);
    Statement id = connection->prepare("SELECT id FROM relay_routes WHERE name = ?1");
    id.bindText(1, route.name);
    id.step();
    const std::int64_t routeId = id.columnInt64(0);
    connection->prepare("DELETE FROM relay_route_senders WHERE route_id = ?1").bindInt64(1, routeId).run();
    insertSenders(*connection, routeId, route.senders);
    transaction.commit();
  }
  return *find(route.name);
}

void RouteRepository::remove(std::string_view name) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM relay_routes WHERE name = ?1").bindText(1, name).run();
  if (connection->changes() == 0) throw NotFound("no route " + std::string(name));
}

std::vector<RouteRecord> RouteRepository::list() {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kColumns + " FROM relay_routes ORDER BY name");
  std::vector<RouteRecord> out;
  while (q.step()) out.push_back(readRow(q));
  for (auto& r : out) loadSenders(*connection, r);
  return out;
}

std::optional<RouteRecord> RouteRepository::find(std::string_view name) {
  auto connection = database_.acquire();
  Statement q = connection->prepare(std::string("SELECT ") + kColumns + " FROM relay_routes WHERE name = ?1");
  q.bindText(1, name);
  if (!q.step()) return std::nullopt;
  RouteRecord r = readRow(q);
  loadSenders(*connection, r);
  return r;
}

bool RouteRepository::storeRefreshToken(std::string_view name, std::string_view sealedRefreshToken) {
  auto connection = database_.acquire();
  connection->prepare("UPDATE relay_routes SET oauth_refresh_token = ?2, updated_at = ?3 WHERE name = ?1")
      .bindText(1, name)
      .bindText(2, sealedRefreshToken)
      .bindInt64(3, now())
      .run();
  return connection->changes() > 0;
}

void RouteRepository::storeSpf(std::string_view name, std::string_view spf) {
  auto connection = database_.acquire();
  connection->prepare("UPDATE relay_routes SET spf = ?2, updated_at = ?3 WHERE name = ?1")
      .bindText(1, name)
      .bindText(2, spf)
      .bindInt64(3, now())
      .run();
  if (connection->changes() == 0) throw NotFound("no route " + std::string(name));
}

std::int64_t RouteRepository::generation() {
  auto connection = database_.acquire();
  Statement q = connection->prepare("SELECT generation FROM relay_meta WHERE id = 1");
  q.step();
  return q.columnInt64(0);
}

}  // namespace postern::store
