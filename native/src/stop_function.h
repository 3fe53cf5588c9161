// The stop function a watch hands to JavaScript: it closes the watch the first time it is called
// and does nothing after, so JavaScript may call it any number of times (the watch is freed once
// closed).
#pragma once
#include <napi.h>

#include <memory>

namespace kats {

template <typename Watch, typename Close>
Napi::Function StopFunction(Napi::Env env, Watch* watch, Close close, const char* name) {
  auto holder = std::make_shared<Watch*>(watch);
  return Napi::Function::New(env, [holder, close](const Napi::CallbackInfo& ci) {
    if (*holder != nullptr) {
      close(*holder);
      *holder = nullptr;
    }
    return ci.Env().Undefined();
  }, name);
}

}  // namespace kats
