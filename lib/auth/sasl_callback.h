// auth sasl callback helper — sasl_callback_t stores every callback as int (*)(void) and libsasl casts it
// back by id. Going through void (*)(), which GCC treats as the generic function pointer type, states that
// intent and keeps -Wcast-function-type quiet. Internal to lib/auth. Thread-safety: a pure function.
#pragma once

#include <sasl/sasl.h>

namespace postern::auth {

template <typename Function>
sasl_callback_t saslCallback(unsigned long id, Function* function, void* context) {
  return sasl_callback_t{id, reinterpret_cast<int (*)()>(reinterpret_cast<void (*)()>(function)), context};
}

}  // namespace postern::auth
