// TCP_CHECK connects without a JavaScript object or timer per check: the sockets live in one
// epoll set of their own, watched by a single libuv poll handle, connect timeouts share one libuv
// timer, and finished checks reach JavaScript in batches (one call per loop turn, however many
// checks completed).
#pragma once
#include <napi.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kats {

class TcpProber : public Napi::ObjectWrap<TcpProber> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit TcpProber(const Napi::CallbackInfo& info);
  ~TcpProber() override;

 private:
  struct Check {
    int fd;
    uint64_t seq;
    int family;
    // Not bound to bindto/bind_port: may go back to the idle pool when it ends.
    bool poolable;
  };
  // (deadline in loop ms, seq, id): a min-heap; entries of checks already finished are skipped.
  using Deadline = std::pair<uint64_t, std::pair<uint64_t, int32_t>>;

  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value InFlight(const Napi::CallbackInfo& info);
  Napi::Value Idle(const Napi::CallbackInfo& info);

  void OnReady();
  void OnTimer();
  void ArmTimer();
  void Deliver(const std::vector<int32_t>& results);
  void UpdateRef();
  void Shutdown();
  // After a check: back to the idle pool (disconnected, still in the epoll set, disarmed), or closed.
  void Release(const Check& check, int err);
  std::vector<int>& IdlePool(int family) { return family == AF_INET ? idle4_ : idle6_; }
  static void PollCallback(uv_poll_t* handle, int status, int events);
  static void TimerCallback(uv_timer_t* handle);

  int epfd_ = -1;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  uv_timer_t* timer_ = nullptr;
  uint64_t timerDue_ = 0;  // 0: not armed
  uint64_t nextSeq_ = 1;
  // check id → its socket; an id is the caller's and unique among checks in flight.
  std::unordered_map<int32_t, Check> inFlight_;
  // Disconnected sockets ready for the next check, per address family (see Release).
  std::vector<int> idle4_;
  std::vector<int> idle6_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<Deadline>> deadlines_;
  Napi::FunctionReference onDone_;
};

}  // namespace kats
