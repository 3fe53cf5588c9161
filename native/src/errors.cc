#include "errors.h"

#include <cerrno>
#include <cstring>
#include <uv.h>

namespace kats {

// libuv knows the symbolic name of every errno (the same names Node puts in error.code).
static std::string ErrnoName(int err) {
  const char* name = uv_err_name(-err);
  return name != nullptr && name[0] == 'E' ? name : "EUNKNOWN";
}

Napi::Error ErrnoError(Napi::Env env, const std::string& what, int err) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, what));
  return e;
}

void ReportUncaught(Napi::Env env, const Napi::Error& e) {
  napi_fatal_exception(env, e.Value());
}

}  // namespace kats
