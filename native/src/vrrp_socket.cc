// Raw VRRP socket set up as keepalived 2.2.7 sets up its send/read sockets (vrrp.c
// open_vrrp_send_socket / open_vrrp_read_socket): SO_BINDTODEVICE so only packets from the
// configured interface arrive, multicast membership and output interface on that interface,
// TTL / hop limit 255, no multicast loopback, IPV6_CHECKSUM at offset 6 for IPv6 (the kernel fills
// and verifies the VRRPv3 checksum with the IPv6 pseudo-header), TOS 0xc0 (internet control) and IPv6
// traffic class 0xc0, as keepalived's packets carry. Ancillary data gives the destination address, ifindex and
// IPv6 hop limit; for IPv4 the kernel hands over the IP header, which is parsed here.
#include "vrrp_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errors.h"
#include "netns_guard.h"

namespace kats {

namespace {

constexpr int kVrrpProto = 112;
constexpr const char* kGroup4 = "224.0.0.18";
constexpr const char* kGroup6 = "ff02::12";

void SetInt(Napi::Env env, int fd, int level, int opt, int value, const char* what) {
  if (setsockopt(fd, level, opt, &value, sizeof(value)) < 0) throw ErrnoError(env, what, errno);
}

std::string Ntop(int family, const void* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(family, addr, buf, sizeof(buf));
  return buf;
}

}  // namespace

void VrrpSocket::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "VrrpRawSocket", {
      InstanceMethod("send", &VrrpSocket::Send),
      InstanceMethod("close", &VrrpSocket::Close),
      InstanceAccessor("fd", &VrrpSocket::Fd, nullptr),
  });
  exports.Set("VrrpRawSocket", ctor);
}

// new VrrpRawSocket({ family: 4|6, ifname, multicast, sourceAddress? }, onPacket, onError)
VrrpSocket::VrrpSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VrrpSocket>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsFunction() || !info[2].IsFunction())
    throw Napi::TypeError::New(env, "VrrpRawSocket(options, onPacket, onError) expected");
  Napi::Object opts = info[0].As<Napi::Object>();
  int family = opts.Get("family").ToNumber().Int32Value();
  if (family != 4 && family != 6) throw Napi::TypeError::New(env, "family must be 4 or 6");
  std::string ifname = opts.Get("ifname").ToString().Utf8Value();
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) throw Napi::TypeError::New(env, "ifname must be 1.." + std::to_string(IFNAMSIZ - 1) + " characters");
  bool multicast = opts.Get("multicast").ToBoolean().Value();
  std::string source = opts.Has("sourceAddress") && opts.Get("sourceAddress").IsString() ? opts.Get("sourceAddress").ToString().Utf8Value() : "";

  std::string netns = opts.Has("netns") && opts.Get("netns").IsString() ? opts.Get("netns").ToString().Utf8Value() : "";
  NetnsGuard inNs(env, netns);
  int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (ifindex == 0) throw ErrnoError(env, "if_nametoindex(" + ifname + ")", errno ? errno : ENODEV);

  family_ = family == 4 ? AF_INET : AF_INET6;
  ifindex_ = ifindex;
  fd_ = socket(family_, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kVrrpProto);
  if (fd_ < 0) throw ErrnoError(env, "socket(raw, 112)", errno);
  try {
    Configure(env, ifname, ifindex, multicast, source);
    onPacket_ = Napi::Persistent(info[1].As<Napi::Function>());
    onError_ = Napi::Persistent(info[2].As<Napi::Function>());
    StartPolling(env);
  } catch (...) {
    close(fd_);
    fd_ = -1;
    throw;
  }
}

VrrpSocket::~VrrpSocket() { Shutdown(); }

void VrrpSocket::Configure(Napi::Env env, const std::string& ifname, int ifindex, bool multicast, const std::string& source) {
  int fd = fd_;
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), ifname.size() + 1) < 0)
    throw ErrnoError(env, "setsockopt(SO_BINDTODEVICE " + ifname + ")", errno);
  if (family_ == AF_INET) {
    SetInt(env, fd, IPPROTO_IP, IP_TTL, 255, "setsockopt(IP_TTL)");
    SetInt(env, fd, IPPROTO_IP, IP_MULTICAST_TTL, 255, "setsockopt(IP_MULTICAST_TTL)");
    SetInt(env, fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "setsockopt(IP_MULTICAST_LOOP)");
    // Only groups this socket joined (keepalived: if_setsockopt_mcast_all); the default would
    // also deliver groups joined by any other socket on the host.
    SetInt(env, fd, IPPROTO_IP, IP_MULTICAST_ALL, 0, "setsockopt(IP_MULTICAST_ALL)");
    SetInt(env, fd, IPPROTO_IP, IP_TOS, IPTOS_PREC_INTERNETCONTROL, "setsockopt(IP_TOS)");
    // keepalived's own IPv4 header has no DF bit; PMTU discovery would set it on a raw socket.
    SetInt(env, fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "setsockopt(IP_MTU_DISCOVER)");
    SetInt(env, fd, IPPROTO_IP, IP_PKTINFO, 1, "setsockopt(IP_PKTINFO)");
    struct ip_mreqn mif;
    std::memset(&mif, 0, sizeof(mif));
    mif.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mif, sizeof(mif)) < 0) throw ErrnoError(env, "setsockopt(IP_MULTICAST_IF)", errno);
    if (multicast) {
      struct ip_mreqn mreq;
      std::memset(&mreq, 0, sizeof(mreq));
      inet_pton(AF_INET, kGroup4, &mreq.imr_multiaddr);
      mreq.imr_ifindex = ifindex;
      if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) throw ErrnoError(env, "setsockopt(IP_ADD_MEMBERSHIP 224.0.0.18)", errno);
    }
    if (!source.empty()) {
      struct sockaddr_in sa;
      std::memset(&sa, 0, sizeof(sa));
      sa.sin_family = AF_INET;
      if (inet_pton(AF_INET, source.c_str(), &sa.sin_addr) != 1) throw Napi::TypeError::New(env, "sourceAddress is not an IPv4 address: " + source);
      if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) throw ErrnoError(env, "bind(" + source + ")", errno);
    }
  } else {
    SetInt(env, fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "setsockopt(IPV6_UNICAST_HOPS)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "setsockopt(IPV6_MULTICAST_HOPS)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "setsockopt(IPV6_MULTICAST_LOOP)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6, "setsockopt(IPV6_CHECKSUM)");
    // keepalived's IPv6 adverts carry traffic class 0xc0 (fixtures/vrrp/v3-ipv6.json).
    SetInt(env, fd, IPPROTO_IPV6, IPV6_TCLASS, 0xc0, "setsockopt(IPV6_TCLASS)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "setsockopt(IPV6_RECVPKTINFO)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "setsockopt(IPV6_RECVHOPLIMIT)");
    SetInt(env, fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "setsockopt(IPV6_MULTICAST_IF)");
    if (multicast) {
      struct ipv6_mreq mreq;
      std::memset(&mreq, 0, sizeof(mreq));
      inet_pton(AF_INET6, kGroup6, &mreq.ipv6mr_multiaddr);
      mreq.ipv6mr_interface = static_cast<unsigned>(ifindex);
      if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)) < 0) throw ErrnoError(env, "setsockopt(IPV6_JOIN_GROUP ff02::12)", errno);
    }
    if (!source.empty()) {
      struct sockaddr_in6 sa;
      std::memset(&sa, 0, sizeof(sa));
      sa.sin6_family = AF_INET6;
      if (inet_pton(AF_INET6, source.c_str(), &sa.sin6_addr) != 1) throw Napi::TypeError::New(env, "sourceAddress is not an IPv6 address: " + source);
      if (IN6_IS_ADDR_LINKLOCAL(&sa.sin6_addr)) sa.sin6_scope_id = static_cast<uint32_t>(ifindex);
      if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) throw ErrnoError(env, "bind(" + source + ")", errno);
    }
  }
}

void VrrpSocket::StartPolling(Napi::Env env) {
  poll_ = new uv_poll_t;
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init_socket(loop, poll_, fd_);
  if (rc < 0) {
    delete poll_;
    poll_ = nullptr;
    throw ErrnoError(env, "uv_poll_init", -rc);
  }
  poll_->data = this;
  uv_poll_start(poll_, UV_READABLE, &VrrpSocket::PollCallback);
  // While open, the JS object must not be collected under the poll handle.
  self_ = Napi::Persistent(Value());
}

void VrrpSocket::PollCallback(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<VrrpSocket*>(handle->data);
  if (self == nullptr) return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (status < 0) {
    try {
      self->onError_.MakeCallback(self->Value(), {ErrnoError(env, "poll", -status).Value()});
    } catch (const Napi::Error& e) {
      ReportUncaught(env, e);
    }
    return;
  }
  self->OnReadable();
}

void VrrpSocket::OnReadable() {
  Napi::Env env = Env();
  // Drain everything queued so one wakeup handles a burst; stop at EAGAIN.
  for (int i = 0; i < 64 && fd_ >= 0; ++i) {
    unsigned char buf[65536];
    unsigned char cbuf[256];
    sockaddr_storage from;
    iovec iov{buf, sizeof(buf)};
    msghdr msg;
    std::memset(&msg, 0, sizeof(msg));
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    ssize_t n = recvmsg(fd_, &msg, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      Napi::HandleScope scope(env);
      try {
        onError_.MakeCallback(Value(), {ErrnoError(env, "recvmsg", errno).Value()});
      } catch (const Napi::Error& e) {
        ReportUncaught(env, e);
      }
      return;
    }
    Napi::HandleScope scope(env);
    Napi::Object pkt = Napi::Object::New(env);
    int ifindex = 0;
    if (family_ == AF_INET) {
      // The raw IPv4 socket returns the IP header: take src/dst/TTL from it, hand over the rest.
      size_t len = static_cast<size_t>(n);
      if (len < 20) continue;
      size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
      if (ihl < 20 || ihl > len) continue;
      pkt.Set("src", Napi::String::New(env, Ntop(AF_INET, buf + 12)));
      pkt.Set("dst", Napi::String::New(env, Ntop(AF_INET, buf + 16)));
      pkt.Set("ttl", Napi::Number::New(env, buf[8]));
      pkt.Set("ipHeaderLength", Napi::Number::New(env, static_cast<double>(ihl)));
      pkt.Set("ipTotalLength", Napi::Number::New(env, (buf[2] << 8) | buf[3]));
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
          in_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
          ifindex = pi.ipi_ifindex;
        }
      }
      pkt.Set("payload", Napi::Buffer<unsigned char>::Copy(env, buf + ihl, len - ihl));
    } else {
      auto* sa6 = reinterpret_cast<sockaddr_in6*>(&from);
      pkt.Set("src", Napi::String::New(env, Ntop(AF_INET6, &sa6->sin6_addr)));
      int hops = -1;
      std::string dst;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) continue;
        if (c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
          ifindex = static_cast<int>(pi.ipi6_ifindex);
          dst = Ntop(AF_INET6, &pi.ipi6_addr);
        } else if (c->cmsg_type == IPV6_HOPLIMIT) {
          std::memcpy(&hops, CMSG_DATA(c), sizeof(hops));
        }
      }
      pkt.Set("dst", Napi::String::New(env, dst));
      if (hops >= 0) pkt.Set("ttl", Napi::Number::New(env, hops));
      pkt.Set("payload", Napi::Buffer<unsigned char>::Copy(env, buf, static_cast<size_t>(n)));
    }
    pkt.Set("ifindex", Napi::Number::New(env, ifindex));
    try {
      onPacket_.MakeCallback(Value(), {pkt});
    } catch (const Napi::Error& e) {
      ReportUncaught(env, e);
      return;
    }
  }
}

// send(payload: Buffer, dst: string): number of bytes sent; throws with errno code on failure.
Napi::Value VrrpSocket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) throw Napi::Error::New(env, "VRRP socket is closed");
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsString()) throw Napi::TypeError::New(env, "send(payload: Buffer, dst: string) expected");
  auto payload = info[0].As<Napi::Buffer<unsigned char>>();
  std::string dst = info[1].As<Napi::String>().Utf8Value();
  sockaddr_storage to;
  std::memset(&to, 0, sizeof(to));
  socklen_t tolen;
  if (family_ == AF_INET) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&to);
    sa->sin_family = AF_INET;
    if (inet_pton(AF_INET, dst.c_str(), &sa->sin_addr) != 1) throw Napi::TypeError::New(env, "not an IPv4 address: " + dst);
    tolen = sizeof(sockaddr_in);
  } else {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&to);
    sa->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, dst.c_str(), &sa->sin6_addr) != 1) throw Napi::TypeError::New(env, "not an IPv6 address: " + dst);
    if (IN6_IS_ADDR_LINKLOCAL(&sa->sin6_addr) || IN6_IS_ADDR_MULTICAST(&sa->sin6_addr)) sa->sin6_scope_id = static_cast<uint32_t>(ifindex_);
    tolen = sizeof(sockaddr_in6);
  }
  ssize_t n = sendto(fd_, payload.Data(), payload.Length(), 0, reinterpret_cast<sockaddr*>(&to), tolen);
  if (n < 0) throw ErrnoError(env, "sendto(" + dst + ")", errno);
  return Napi::Number::New(env, static_cast<double>(n));
}

Napi::Value VrrpSocket::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value VrrpSocket::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }

void VrrpSocket::Shutdown() {
  if (poll_ != nullptr) {
    poll_->data = nullptr;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
  }
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  if (!self_.IsEmpty()) self_.Reset();
}

}  // namespace kats
