// Runs a block inside another network namespace on the calling thread, then switches back.
// A socket belongs to the namespace it was created in, so tests (and the lab) can open VRRP and
// packet sockets in several namespaces from one process. Only the calling thread switches; the
// switch lasts for one synchronous addon call, so no JavaScript runs inside it.
#pragma once
#include <napi.h>
#include <string>

namespace kats {

class NetnsGuard {
 public:
  // `name` is a name under /run/netns or an absolute path; empty means "stay where we are".
  NetnsGuard(Napi::Env env, const std::string& name);
  ~NetnsGuard();
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;

 private:
  int saved_ = -1;
};

}  // namespace kats
