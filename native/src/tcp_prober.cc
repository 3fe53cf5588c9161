// TCP_CHECK's system calls, as keepalived's checker makes them (tcp_bind_connect,
// tcp_socket_state): a non-blocking socket with SO_LINGER {1, 0} (so closing an established
// check connection sends a RST and leaves no TIME_WAIT behind), optional bind to bindto /
// bind_port, connect, wait until writable, SO_ERROR gives the verdict, close.
//
// new TcpProber(onDone)             onDone(results: Int32Array) gets [id, errno, id, errno, ...]
//                                   (errno 0 = connected) once per loop turn with completions
// prober.start(id, address, port, bindAddress, bindPort)
//                                   0 when the connect is under way (onDone reports it), or a
//                                   positive errno when it failed at once (nothing is reported)
// prober.cancel(id)                 closes a check still in flight (its timeout); true if it was
// prober.close()                    closes every socket and the poll handle; idempotent
// prober.inFlight                   checks under way
#include "tcp_prober.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "errors.h"

namespace kats {

namespace {

// Fills `sa` from a textual IPv4 or IPv6 address; returns the length, or 0 if it is neither.
socklen_t ToSockaddr(const std::string& addr, int port, sockaddr_storage* sa) {
  std::memset(sa, 0, sizeof(*sa));
  auto* s4 = reinterpret_cast<sockaddr_in*>(sa);
  if (inet_pton(AF_INET, addr.c_str(), &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons(static_cast<uint16_t>(port));
    return sizeof(sockaddr_in);
  }
  auto* s6 = reinterpret_cast<sockaddr_in6*>(sa);
  if (inet_pton(AF_INET6, addr.c_str(), &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(static_cast<uint16_t>(port));
    return sizeof(sockaddr_in6);
  }
  return 0;
}

}  // namespace

void TcpProber::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "TcpProber", {
      InstanceMethod("start", &TcpProber::Start),
      InstanceMethod("cancel", &TcpProber::Cancel),
      InstanceMethod("close", &TcpProber::Close),
      InstanceAccessor("inFlight", &TcpProber::InFlight, nullptr),
  });
  exports.Set("TcpProber", ctor);
}

TcpProber::TcpProber(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TcpProber>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "TcpProber(onDone) expected");
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw ErrnoError(env, "epoll_create1", errno);
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  poll_ = new uv_poll_t;
  int rc = uv_poll_init(loop, poll_, epfd_);
  if (rc != 0) {
    delete poll_;
    poll_ = nullptr;
    close(epfd_);
    epfd_ = -1;
    throw ErrnoError(env, "uv_poll_init", -rc);
  }
  poll_->data = this;
  // Unreferenced: checks in flight never keep the process alive (their JavaScript timeouts do).
  uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  uv_poll_start(poll_, UV_READABLE, &TcpProber::PollCallback);
  onDone_ = Napi::Persistent(info[0].As<Napi::Function>());
}

TcpProber::~TcpProber() { Shutdown(); }

Napi::Value TcpProber::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (epfd_ < 0) throw Napi::Error::New(env, "TcpProber is closed");
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsNumber())
    throw Napi::TypeError::New(env, "start(id, address, port, bindAddress?, bindPort?) expected");
  int32_t id = info[0].As<Napi::Number>().Int32Value();
  std::string address = info[1].As<Napi::String>().Utf8Value();
  int port = info[2].As<Napi::Number>().Int32Value();
  std::string bindAddress = info.Length() > 3 && info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "";
  int bindPort = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 0;
  if (inFlight_.count(id) != 0) throw Napi::Error::New(env, "check id " + std::to_string(id) + " is already in flight");

  sockaddr_storage dst;
  socklen_t dstLen = ToSockaddr(address, port, &dst);
  if (dstLen == 0) throw Napi::TypeError::New(env, "not an IP address: " + address);
  int fd = socket(dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return Napi::Number::New(env, errno);
  linger li = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &li, sizeof(li));
  if (!bindAddress.empty() || bindPort != 0) {
    sockaddr_storage local;
    socklen_t localLen = ToSockaddr(bindAddress.empty() ? (dst.ss_family == AF_INET ? "0.0.0.0" : "::") : bindAddress, bindPort, &local);
    if (localLen == 0 || local.ss_family != dst.ss_family) {
      close(fd);
      return Napi::Number::New(env, EAFNOSUPPORT);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), localLen) < 0) {
      int err = errno;
      close(fd);
      return Napi::Number::New(env, err);
    }
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), dstLen) < 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return Napi::Number::New(env, err);
  }
  // Connected at once or under way: either way the socket becomes writable and OnReady reports it.
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.u64 = (static_cast<uint64_t>(static_cast<uint32_t>(id)) << 32) | static_cast<uint32_t>(fd);
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    int err = errno;
    close(fd);
    return Napi::Number::New(env, err);
  }
  inFlight_[id] = fd;
  return Napi::Number::New(env, 0);
}

Napi::Value TcpProber::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "cancel(id) expected");
  auto it = inFlight_.find(info[0].As<Napi::Number>().Int32Value());
  if (it == inFlight_.end()) return Napi::Boolean::New(env, false);
  close(it->second);  // also leaves the epoll set
  inFlight_.erase(it);
  return Napi::Boolean::New(env, true);
}

Napi::Value TcpProber::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value TcpProber::InFlight(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(inFlight_.size()));
}

void TcpProber::PollCallback(uv_poll_t* handle, int /*status*/, int /*events*/) {
  auto* self = static_cast<TcpProber*>(handle->data);
  if (self != nullptr) self->OnReady();
}

void TcpProber::OnReady() {
  std::vector<int32_t> results;
  epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(epfd_, evs, 256, 0);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      int32_t id = static_cast<int32_t>(evs[i].data.u64 >> 32);
      int fd = static_cast<int>(evs[i].data.u64 & 0xffffffffu);
      auto it = inFlight_.find(id);
      if (it == inFlight_.end() || it->second != fd) continue;  // cancelled in the meantime
      int err = 0;
      socklen_t len = sizeof(err);
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
      close(fd);
      inFlight_.erase(it);
      results.push_back(id);
      results.push_back(err);
    }
    if (n < 256) break;
  }
  if (results.empty()) return;
  Napi::Env env = onDone_.Env();
  Napi::HandleScope scope(env);
  Napi::Int32Array arr = Napi::Int32Array::New(env, results.size());
  std::memcpy(arr.Data(), results.data(), results.size() * sizeof(int32_t));
  try {
    onDone_.MakeCallback(Value(), {arr});
  } catch (const Napi::Error& e) {
    ReportUncaught(env, e);
  }
}

void TcpProber::Shutdown() {
  if (poll_ != nullptr) {
    poll_->data = nullptr;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
  }
  for (auto& kv : inFlight_) close(kv.second);
  inFlight_.clear();
  if (epfd_ >= 0) {
    close(epfd_);
    epfd_ = -1;
  }
}

}  // namespace kats
