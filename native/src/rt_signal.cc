// Watches a signal Node refuses to listen for (real-time signals such as keepalived's SIGJSON,
// SIGRTMIN+2) with a libuv signal handle; the handle is unreferenced so it never keeps the
// process alive on its own.
#include <napi.h>
#include <uv.h>

#include <csignal>

#include "errors.h"
#include "stop_function.h"

namespace kats {

namespace {

struct SignalWatch {
  uv_signal_t handle;
  Napi::FunctionReference callback;
  Napi::AsyncContext* context = nullptr;
  bool closed = false;
};

void OnSignal(uv_signal_t* handle, int signum) {
  auto* w = static_cast<SignalWatch*>(handle->data);
  Napi::Env env = w->callback.Env();
  Napi::HandleScope scope(env);
  try {
    w->callback.MakeCallback(env.Global(), {Napi::Number::New(env, signum)}, *w->context);
  } catch (const Napi::Error& e) {
    ReportUncaught(env, e);
  }
}

void CloseWatch(SignalWatch* w) {
  if (w->closed) return;
  w->closed = true;
  uv_signal_stop(&w->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&w->handle), [](uv_handle_t* h) {
    auto* watch = static_cast<SignalWatch*>(h->data);
    delete watch->context;
    delete watch;
  });
}

}  // namespace

// watchSignal(signum: number, callback: (signum) => void): () => void (stops watching).
Napi::Value WatchSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "watchSignal(signum: number, callback: Function) expected");
  int signum = info[0].As<Napi::Number>().Int32Value();
  if (signum <= 0 || signum > SIGRTMAX) throw Napi::RangeError::New(env, "signal number out of range: " + std::to_string(signum));
  if (signum == SIGKILL || signum == SIGSTOP) throw Napi::RangeError::New(env, "signal cannot be caught: " + std::to_string(signum));
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  auto* w = new SignalWatch;
  w->handle.data = w;
  w->callback = Napi::Persistent(info[1].As<Napi::Function>());
  w->context = new Napi::AsyncContext(env, "kats:signal");
  uv_signal_init(loop, &w->handle);
  int rc = uv_signal_start(&w->handle, OnSignal, signum);
  if (rc < 0) {
    CloseWatch(w);
    throw ErrnoError(env, "uv_signal_start(" + std::to_string(signum) + ")", -rc);
  }
  uv_unref(reinterpret_cast<uv_handle_t*>(&w->handle));
  return StopFunction(env, w, CloseWatch, "stopWatchingSignal");
}

}  // namespace kats
