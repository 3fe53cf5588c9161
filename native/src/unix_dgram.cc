// One datagram to a unix datagram socket path: sd_notify's $NOTIFY_SOCKET (a leading '@' names
// an abstract socket) and /dev/log. Node's net module has no unix datagram sockets.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"

namespace kats {

// sendUnixDatagram(path: string, data: Buffer): number of bytes sent.
Napi::Value SendUnixDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBuffer()) throw Napi::TypeError::New(env, "sendUnixDatagram(path: string, data: Buffer) expected");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  auto data = info[1].As<Napi::Buffer<unsigned char>>();
  sockaddr_un sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(sa.sun_path)) throw ErrnoError(env, "unix socket path '" + path + "'", ENAMETOOLONG);
  std::memcpy(sa.sun_path, path.data(), path.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (path[0] == '@') {
    sa.sun_path[0] = '\0';  // abstract namespace: no terminating NUL, length is exact
  } else {
    len += 1;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(env, "socket(AF_UNIX, SOCK_DGRAM)", errno);
  ssize_t n = sendto(fd, data.Data(), data.Length(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa), len);
  int err = errno;
  close(fd);
  if (n < 0) throw ErrnoError(env, "sendto(" + path + ")", err);
  return Napi::Number::New(env, static_cast<double>(n));
}

}  // namespace kats
