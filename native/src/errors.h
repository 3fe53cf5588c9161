// Errors thrown to JavaScript carry the failing call and errno's symbolic code (EPERM, ENODEV, ...)
// so callers can count and report them precisely instead of parsing messages.
#pragma once
#include <napi.h>
#include <string>

namespace kats {

// Builds an Error with message "<what>: <strerror>" and properties code (e.g. "EPERM") and errno.
Napi::Error ErrnoError(Napi::Env env, const std::string& what, int err);

// Rethrows a JavaScript exception raised inside a libuv callback as an uncaught exception,
// the same thing Node does for a throwing EventEmitter listener in an I/O callback.
void ReportUncaught(Napi::Env env, const Napi::Error& e);

}  // namespace kats
