// Module entry: registers the raw VRRP socket and TCP prober classes and the helper functions.
#include <napi.h>

#include <csignal>

#include "tcp_prober.h"
#include "vrrp_socket.h"

namespace kats {
Napi::Value SendEthernetFrame(const Napi::CallbackInfo& info);
Napi::Value SendUnixDatagram(const Napi::CallbackInfo& info);
Napi::Value WatchSignal(const Napi::CallbackInfo& info);
Napi::Value WatchProcessEvents(const Napi::CallbackInfo& info);
}  // namespace kats

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  kats::VrrpSocket::Init(env, exports);
  kats::TcpProber::Init(env, exports);
  exports.Set("sendEthernetFrame", Napi::Function::New(env, kats::SendEthernetFrame, "sendEthernetFrame"));
  exports.Set("sendUnixDatagram", Napi::Function::New(env, kats::SendUnixDatagram, "sendUnixDatagram"));
  exports.Set("watchSignal", Napi::Function::New(env, kats::WatchSignal, "watchSignal"));
  exports.Set("watchProcessEvents", Napi::Function::New(env, kats::WatchProcessEvents, "watchProcessEvents"));
  // glibc's SIGRTMIN/SIGRTMAX are runtime values; export them so JS need not assume 34/64.
  exports.Set("SIGRTMIN", Napi::Number::New(env, SIGRTMIN));
  exports.Set("SIGRTMAX", Napi::Number::New(env, SIGRTMAX));
  return exports;
}

NODE_API_MODULE(kats_native, Init)
