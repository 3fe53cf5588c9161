// TCP_CHECK connects without a JavaScript object per check: the sockets live in one epoll set
// of their own, watched by a single libuv poll handle, and finished checks reach JavaScript in
// batches (one call per loop turn, however many checks completed).
#pragma once
#include <napi.h>
#include <uv.h>

#include <cstdint>
#include <unordered_map>

namespace kats {

class TcpProber : public Napi::ObjectWrap<TcpProber> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit TcpProber(const Napi::CallbackInfo& info);
  ~TcpProber() override;

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value InFlight(const Napi::CallbackInfo& info);

  void OnReady();
  void Shutdown();
  static void PollCallback(uv_poll_t* handle, int status, int events);

  int epfd_ = -1;
  uv_poll_t* poll_ = nullptr;
  // check id → its socket; an id is the caller's and unique among checks in flight.
  std::unordered_map<int32_t, int> inFlight_;
  Napi::FunctionReference onDone_;
};

}  // namespace kats
