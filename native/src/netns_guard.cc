#include "netns_guard.h"

#include <cerrno>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "errors.h"

namespace kats {

NetnsGuard::NetnsGuard(Napi::Env env, const std::string& name) {
  if (name.empty()) return;
  std::string path = name[0] == '/' ? name : "/run/netns/" + name;
  int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) throw ErrnoError(env, "open(" + path + ")", errno);
  saved_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved_ < 0) {
    int err = errno;
    close(target);
    throw ErrnoError(env, "open(/proc/thread-self/ns/net)", err);
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(target);
    close(saved_);
    saved_ = -1;
    throw ErrnoError(env, "setns(" + path + ")", err);
  }
  close(target);
}

NetnsGuard::~NetnsGuard() {
  if (saved_ < 0) return;
  // Returning to our own namespace cannot fail for a process that could leave it.
  (void)setns(saved_, CLONE_NEWNET);
  close(saved_);
}

}  // namespace kats
