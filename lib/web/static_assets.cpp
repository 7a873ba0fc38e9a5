#include "web/static_assets.h"

#include "core/text.h"
#include "web/http_error.h"
#include "web/request_context.h"

namespace postern::web {

namespace {

std::string_view withoutWeakPrefix(std::string_view tag) {
  return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
}

}  // namespace

const Asset* AssetTable::find(std::string_view rawPath) const {
  const std::string_view path = rawPath == "/" ? std::string_view("/index.html") : rawPath;
  for (const auto& asset : assets_)
    if (asset.path == path) return &asset;
  return nullptr;
}

bool etagMatches(std::string_view ifNoneMatch, std::string_view etag) {
  if (core::trim(ifNoneMatch) == "*") return true;
  for (const auto& tag : core::splitList(ifNoneMatch))
    if (withoutWeakPrefix(tag) == withoutWeakPrefix(etag)) return true;
  return false;
}

void serveAsset(const Asset& asset, RequestContext& context) {
  auto& response = context.response;
  response.set("ETag", std::string(asset.etag));
  if (context.request.has("If-None-Match") && etagMatches(context.request.get("If-None-Match"), asset.etag)) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.send();  // the head alone: a 304 has no body (RFC 9110 §15.4.5)
    return;
  }
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(std::string(asset.contentType));
  response.sendBuffer(asset.bytes.data(), asset.bytes.size());
}

Handler assetHandler(const AssetTable& assets) {
  return [&assets](RequestContext& context) {
    const Asset* asset = assets.find(context.path);
    if (!asset) throw HttpError::notFound();
    const auto method = parseMethod(context.request.getMethod());
    if (method != Method::Get && method != Method::Head) throw HttpError::methodNotAllowed("GET, HEAD");
    serveAsset(*asset, context);
  };
}

Handler assetAt(const AssetTable& assets, std::string path) {
  return [&assets, path = std::move(path)](RequestContext& context) {
    const Asset* asset = assets.find(path);
    if (!asset) throw HttpError::notFound();
    serveAsset(*asset, context);
  };
}

}  // namespace postern::web
