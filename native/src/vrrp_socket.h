// A raw IP protocol-112 socket for one interface and family, with reception driven by libuv.
#pragma once
#include <napi.h>
#include <uv.h>

namespace kats {

class VrrpSocket : public Napi::ObjectWrap<VrrpSocket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit VrrpSocket(const Napi::CallbackInfo& info);
  ~VrrpSocket() override;

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);

  void Configure(Napi::Env env, const std::string& ifname, int ifindex, bool multicast, const std::string& source);
  void StartPolling(Napi::Env env);
  void OnReadable();
  void Shutdown();
  static void PollCallback(uv_poll_t* handle, int status, int events);

  int fd_ = -1;
  int family_ = 0;
  int ifindex_ = 0;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference onPacket_;
  Napi::FunctionReference onError_;
  Napi::ObjectReference self_;
};

}  // namespace kats
