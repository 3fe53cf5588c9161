// The kernel's process events connector (cn_proc), which keepalived's track_process listens to:
// a netlink socket told PROC_CN_MCAST_LISTEN receives one message per fork, exec, name change
// and exit on the machine. Only what a process tracker needs is passed on, and only for
// thread-group leaders (processes, not threads). The kernel serves the connector in the initial
// network namespace only: elsewhere the LISTEN request fails with ECONNREFUSED, which is thrown
// so the caller can fall back (keepalived logs the same errno and tracks nothing).
#include <napi.h>
#include <uv.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "errors.h"
#include "stop_function.h"

namespace kats {

namespace {

// Kinds passed to JavaScript, as [kind, pid, parentPid] triples in one Int32Array per read burst.
enum EventKind : int32_t { kFork = 1, kExec = 2, kComm = 3, kExit = 4, kOverrun = 5 };

struct ProcWatch {
  uv_poll_t poll;
  int fd = -1;
  Napi::FunctionReference callback;
  Napi::AsyncContext* context = nullptr;
  bool closed = false;
};

// Sends the LISTEN (or IGNORE) request; the kernel answers ECONNREFUSED outside the initial
// network namespace and when the kernel lacks CONFIG_PROC_EVENTS.
int SendMcastOp(int fd, proc_cn_mcast_op op) {
  alignas(nlmsghdr) char buf[NLMSG_SPACE(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))];
  std::memset(buf, 0, sizeof(buf));
  auto* nh = reinterpret_cast<nlmsghdr*>(buf);
  nh->nlmsg_len = sizeof(buf);
  nh->nlmsg_type = NLMSG_DONE;
  nh->nlmsg_pid = 0;
  auto* msg = static_cast<cn_msg*>(NLMSG_DATA(nh));
  msg->id.idx = CN_IDX_PROC;
  msg->id.val = CN_VAL_PROC;
  msg->len = sizeof(proc_cn_mcast_op);
  std::memcpy(msg->data, &op, sizeof(op));
  return send(fd, buf, sizeof(buf), 0) < 0 ? errno : 0;
}

void Append(std::vector<int32_t>& out, const proc_event* ev) {
  switch (ev->what) {
    case proc_event::PROC_EVENT_FORK:
      // A new thread of an existing process is also a fork event: only new processes count.
      if (ev->event_data.fork.child_pid == ev->event_data.fork.child_tgid) {
        out.insert(out.end(), {kFork, ev->event_data.fork.child_tgid, ev->event_data.fork.parent_tgid});
      }
      break;
    case proc_event::PROC_EVENT_EXEC:
      out.insert(out.end(), {kExec, ev->event_data.exec.process_tgid, 0});
      break;
    case proc_event::PROC_EVENT_COMM:
      // /proc/PID/comm is the leader's name: a thread renaming itself changes nothing there.
      if (ev->event_data.comm.process_pid == ev->event_data.comm.process_tgid) {
        out.insert(out.end(), {kComm, ev->event_data.comm.process_tgid, 0});
      }
      break;
    case proc_event::PROC_EVENT_EXIT:
      if (ev->event_data.exit.process_pid == ev->event_data.exit.process_tgid) {
        out.insert(out.end(), {kExit, ev->event_data.exit.process_tgid, 0});
      }
      break;
    default:
      break;
  }
}

void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
  auto* w = static_cast<ProcWatch*>(handle->data);
  if (w->closed) return;
  std::vector<int32_t> out;
  if (status < 0) out.insert(out.end(), {kOverrun, 0, -status});
  // Drain everything queued: a busy machine forks in bursts, and one callback per burst is enough.
  for (int i = 0; i < 4096 && status >= 0; i++) {
    alignas(nlmsghdr) char buf[4096];
    ssize_t n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      // ENOBUFS: the socket overflowed and events were lost; the tracker must rescan /proc.
      if (errno == ENOBUFS) { out.insert(out.end(), {kOverrun, 0, ENOBUFS}); continue; }
      break;
    }
    int len = static_cast<int>(n);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_type != NLMSG_DONE) continue;
      auto* msg = static_cast<cn_msg*>(NLMSG_DATA(nh));
      if (msg->id.idx != CN_IDX_PROC || msg->id.val != CN_VAL_PROC || msg->len < sizeof(proc_event)) continue;
      Append(out, reinterpret_cast<const proc_event*>(msg->data));
    }
  }
  if (out.empty()) return;
  Napi::Env env = w->callback.Env();
  Napi::HandleScope scope(env);
  auto arr = Napi::Int32Array::New(env, out.size());
  std::memcpy(arr.Data(), out.data(), out.size() * sizeof(int32_t));
  try {
    w->callback.MakeCallback(env.Global(), {arr}, *w->context);
  } catch (const Napi::Error& e) {
    ReportUncaught(env, e);
  }
}

void CloseWatch(ProcWatch* w) {
  if (w->closed) return;
  w->closed = true;
  uv_poll_stop(&w->poll);
  SendMcastOp(w->fd, PROC_CN_MCAST_IGNORE);
  uv_close(reinterpret_cast<uv_handle_t*>(&w->poll), [](uv_handle_t* h) {
    auto* watch = static_cast<ProcWatch*>(h->data);
    close(watch->fd);
    delete watch->context;
    delete watch;
  });
}

}  // namespace

// watchProcessEvents(callback: (events: Int32Array) => void): () => void (stops watching).
// events holds [kind, pid, parentPid] triples: 1 fork, 2 exec, 3 comm, 4 exit, 5 overrun (events
// were lost; parentPid then carries the errno).
Napi::Value WatchProcessEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "watchProcessEvents(callback: Function) expected");
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) throw ErrnoError(env, "socket(AF_NETLINK, NETLINK_CONNECTOR)", errno);
  sockaddr_nl sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = CN_IDX_PROC;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    int err = errno;
    close(fd);
    throw ErrnoError(env, "bind(NETLINK_CONNECTOR, CN_IDX_PROC)", err);
  }
  // A bigger receive buffer makes an overrun (and the rescan it costs) rarer on busy machines.
  int rcvbuf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if (int err = SendMcastOp(fd, PROC_CN_MCAST_LISTEN)) {
    close(fd);
    throw ErrnoError(env, "process events connector (PROC_CN_MCAST_LISTEN)", err);
  }
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  auto* w = new ProcWatch;
  w->fd = fd;
  w->poll.data = w;
  w->callback = Napi::Persistent(info[0].As<Napi::Function>());
  w->context = new Napi::AsyncContext(env, "kats:proc-events");
  int rc = uv_poll_init_socket(loop, &w->poll, fd);
  if (rc < 0) {
    close(fd);
    delete w->context;
    delete w;
    throw ErrnoError(env, "uv_poll_init", -rc);
  }
  uv_poll_start(&w->poll, UV_READABLE, OnReadable);
  // Like the signal watch: the VRRP process lives on its own sockets and timers, not on this.
  uv_unref(reinterpret_cast<uv_handle_t*>(&w->poll));
  return StopFunction(env, w, CloseWatch, "stopWatchingProcessEvents");
}

}  // namespace kats
