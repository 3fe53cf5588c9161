// TCP_CHECK's system calls, as keepalived's checker makes them (tcp_bind_connect,
// tcp_socket_state): a non-blocking socket with SO_LINGER {1, 0} (so closing an established
// check connection sends a RST and leaves no TIME_WAIT behind), optional bind to bindto /
// bind_port, connect, wait until writable, SO_ERROR gives the verdict, close. A check still
// connecting at its connect_timeout is closed and reported as ETIMEDOUT.
//
// One difference in the calls, none on the wire: a socket whose check connected (or was
// refused) is not closed but disconnected with connect(AF_UNSPEC) and kept for a later check.
// With SO_LINGER {1, 0}, close() itself ends an established connection through the very same
// tcp_disconnect (a RST, the local port released, no TIME_WAIT), so the real server sees exactly
// what keepalived's close sends; what is saved is the socket's creation and destruction, the
// SO_LINGER call and the epoll registration — about a fifth of the kernel's work per check.
//
// new TcpProber(onDone)             onDone(results: Int32Array) gets [id, errno, id, errno, ...]
//                                   (errno 0 = connected) once per loop turn with completions
// prober.start(id, address, port, timeoutMs, bindAddress, bindPort, bindIf, fwmark)
//                                   0 when the connect is under way (onDone reports it), or a
//                                   positive errno when it failed at once (nothing is reported)
// prober.close()                    closes every socket and both handles; idempotent
// prober.inFlight                   checks under way
// prober.idle                       disconnected sockets kept for the next checks
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
      InstanceMethod("close", &TcpProber::Close),
      InstanceAccessor("inFlight", &TcpProber::InFlight, nullptr),
      InstanceAccessor("idle", &TcpProber::Idle, nullptr),
  });
  exports.Set("TcpProber", ctor);
}

TcpProber::TcpProber(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TcpProber>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "TcpProber(onDone) expected");
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw ErrnoError(env, "epoll_create1", errno);
  napi_get_uv_event_loop(env, &loop_);
  poll_ = new uv_poll_t;
  int rc = uv_poll_init(loop_, poll_, epfd_);
  if (rc != 0) {
    delete poll_;
    poll_ = nullptr;
    close(epfd_);
    epfd_ = -1;
    throw ErrnoError(env, "uv_poll_init", -rc);
  }
  poll_->data = this;
  // Referenced only while checks are in flight (UpdateRef): an idle prober never keeps the
  // process alive, a pending check does, as a pending socket would.
  uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  uv_poll_start(poll_, UV_READABLE, &TcpProber::PollCallback);
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  onDone_ = Napi::Persistent(info[0].As<Napi::Function>());
}

TcpProber::~TcpProber() { Shutdown(); }

Napi::Value TcpProber::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (epfd_ < 0) throw Napi::Error::New(env, "TcpProber is closed");
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsNumber() || !info[3].IsNumber())
    throw Napi::TypeError::New(env, "start(id, address, port, timeoutMs, bindAddress?, bindPort?, bindIf?, fwmark?) expected");
  int32_t id = info[0].As<Napi::Number>().Int32Value();
  std::string address = info[1].As<Napi::String>().Utf8Value();
  int port = info[2].As<Napi::Number>().Int32Value();
  double timeoutMs = info[3].As<Napi::Number>().DoubleValue();
  std::string bindAddress = info.Length() > 4 && info[4].IsString() ? info[4].As<Napi::String>().Utf8Value() : "";
  int bindPort = info.Length() > 5 && info[5].IsNumber() ? info[5].As<Napi::Number>().Int32Value() : 0;
  std::string bindIf = info.Length() > 6 && info[6].IsString() ? info[6].As<Napi::String>().Utf8Value() : "";
  uint32_t mark = info.Length() > 7 && info[7].IsNumber() ? info[7].As<Napi::Number>().Uint32Value() : 0;
  if (inFlight_.count(id) != 0) throw Napi::Error::New(env, "check id " + std::to_string(id) + " is already in flight");

  sockaddr_storage dst;
  socklen_t dstLen = ToSockaddr(address, port, &dst);
  if (dstLen == 0) throw Napi::TypeError::New(env, "not an IP address: " + address);
  const bool bound = !bindAddress.empty() || bindPort != 0;
  // A socket with its own device or mark is never shared through the idle pool.
  const bool poolable = !bound && bindIf.empty() && mark == 0;
  std::vector<int>& pool = IdlePool(dst.ss_family);
  const bool reused = poolable && !pool.empty();
  int fd;
  if (reused) {
    fd = pool.back();
    pool.pop_back();
  } else {
    fd = socket(dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) return Napi::Number::New(env, errno);
    linger li = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &li, sizeof(li));
  }
  // A step that fails ends the check at once: the socket is closed and its errno returned.
  auto fail = [&](int err) {
    close(fd);
    return Napi::Number::New(env, err);
  };
  // keepalived's socket_bind_connect: fwmark (SO_MARK) and bind_if (SO_BINDTODEVICE) before the
  // bind; either failing fails the check.
  if (mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) return fail(errno);
  if (!bindIf.empty() && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bindIf.c_str(), static_cast<socklen_t>(bindIf.size() + 1)) < 0) return fail(errno);
  if (bound) {
    sockaddr_storage local;
    socklen_t localLen = ToSockaddr(bindAddress.empty() ? (dst.ss_family == AF_INET ? "0.0.0.0" : "::") : bindAddress, bindPort, &local);
    if (localLen == 0 || local.ss_family != dst.ss_family) return fail(EAFNOSUPPORT);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), localLen) < 0) return fail(errno);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), dstLen) < 0 && errno != EINPROGRESS) return fail(errno);
  // Connected at once or under way: either way the socket becomes writable and OnReady reports it.
  // One-shot: a reused socket stays in the set between checks without reporting anything.
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLOUT | EPOLLONESHOT;
  ev.data.u64 = (static_cast<uint64_t>(static_cast<uint32_t>(id)) << 32) | static_cast<uint32_t>(fd);
  if (epoll_ctl(epfd_, reused ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) return fail(errno);
  uint64_t seq = nextSeq_++;
  inFlight_[id] = Check{fd, seq, dst.ss_family, poolable};
  // The loop's millisecond clock (the one setTimeout uses), refreshed: the cached value is from
  // the start of this loop turn, which may be long ago after a busy turn.
  uv_update_time(loop_);
  uint64_t due = uv_now(loop_) + static_cast<uint64_t>(timeoutMs > 0 ? timeoutMs + 0.999 : 0);
  deadlines_.push({due, {seq, id}});
  if (timerDue_ == 0 || due < timerDue_) ArmTimer();
  UpdateRef();
  return Napi::Number::New(env, 0);
}

Napi::Value TcpProber::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value TcpProber::InFlight(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(inFlight_.size()));
}

Napi::Value TcpProber::Idle(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(idle4_.size() + idle6_.size()));
}

void TcpProber::Release(const Check& check, int err) {
  // Enough sockets for a burst of checks in flight; more would only hold file descriptors.
  constexpr size_t kMaxIdle = 1024;
  std::vector<int>& pool = IdlePool(check.family);
  // Only a connect that ended cleanly: connected (the disconnect sends the RST) or refused (the
  // socket is already closed). Anything else is closed as keepalived closes it.
  if (check.poolable && (err == 0 || err == ECONNREFUSED) && pool.size() < kMaxIdle) {
    sockaddr unspec;
    std::memset(&unspec, 0, sizeof(unspec));
    unspec.sa_family = AF_UNSPEC;
    if (connect(check.fd, &unspec, sizeof(unspec)) == 0) {
      pool.push_back(check.fd);
      return;
    }
  }
  close(check.fd);
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
      if (it == inFlight_.end() || it->second.fd != fd) continue;  // timed out in the meantime
      // Writable without an error condition is a connected socket (tcp_poll raises EPOLLERR
      // whenever sk_err is set), so SO_ERROR is asked only when there is an error to name.
      int err = 0;
      if ((evs[i].events & (EPOLLERR | EPOLLHUP)) != 0) {
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        if (err == 0) err = ECONNRESET;  // hung up with no error recorded: not a usable connection
      }
      Release(it->second, err);
      inFlight_.erase(it);
      results.push_back(id);
      results.push_back(err);
    }
    if (n < 256) break;
  }
  // The finished checks' deadlines go now, so the timer wakes for a live check's deadline only.
  if (!results.empty()) ArmTimer();
  Deliver(results);
}

void TcpProber::TimerCallback(uv_timer_t* handle) {
  auto* self = static_cast<TcpProber*>(handle->data);
  if (self != nullptr) self->OnTimer();
}

// Closes every check whose deadline has passed and reports it as ETIMEDOUT.
void TcpProber::OnTimer() {
  timerDue_ = 0;
  uint64_t now = uv_now(loop_);
  std::vector<int32_t> results;
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    uint64_t seq = deadlines_.top().second.first;
    int32_t id = deadlines_.top().second.second;
    deadlines_.pop();
    auto it = inFlight_.find(id);
    if (it == inFlight_.end() || it->second.seq != seq) continue;  // finished before its deadline
    close(it->second.fd);  // also leaves the epoll set
    inFlight_.erase(it);
    results.push_back(id);
    results.push_back(ETIMEDOUT);
  }
  ArmTimer();
  Deliver(results);
}

void TcpProber::ArmTimer() {
  // Deadlines of finished checks are dropped here, so the timer only wakes for live ones.
  while (!deadlines_.empty()) {
    auto it = inFlight_.find(deadlines_.top().second.second);
    if (it != inFlight_.end() && it->second.seq == deadlines_.top().second.first) break;
    deadlines_.pop();
  }
  if (deadlines_.empty()) {
    uv_timer_stop(timer_);
    timerDue_ = 0;
    return;
  }
  uint64_t due = deadlines_.top().first;
  uint64_t now = uv_now(loop_);
  uv_timer_start(timer_, &TcpProber::TimerCallback, due > now ? due - now : 0, 0);
  timerDue_ = due;
}

void TcpProber::UpdateRef() {
  if (poll_ == nullptr) return;
  if (inFlight_.empty()) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  else uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
}

void TcpProber::Deliver(const std::vector<int32_t>& results) {
  UpdateRef();
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
  if (timer_ != nullptr) {
    timer_->data = nullptr;
    uv_timer_stop(timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(timer_), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    timer_ = nullptr;
  }
  for (auto& kv : inFlight_) close(kv.second.fd);
  inFlight_.clear();
  for (int fd : idle4_) close(fd);
  for (int fd : idle6_) close(fd);
  idle4_.clear();
  idle6_.clear();
  deadlines_ = {};
  if (epfd_ >= 0) {
    close(epfd_);
    epfd_ = -1;
  }
}

}  // namespace kats
