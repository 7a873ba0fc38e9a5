// core::CHandle — std::unique_ptr for C library handles, with the library's own release function as
// deleter (SSL_CTX, EVP_PKEY, sasl_conn_t, sqlite3, sqlite3_stmt ...).
//
//   using SslCtx = core::CHandle<SSL_CTX, SSL_CTX_free>;
//
// Thread-safety: as std::unique_ptr.
#pragma once

#include <memory>

namespace postern::core {

template <auto Release>
struct CRelease {
  template <typename T>
  void operator()(T* p) const noexcept {
    if (p) Release(p);
  }
};

template <typename T, auto Release>
using CHandle = std::unique_ptr<T, CRelease<Release>>;

}  // namespace postern::core
