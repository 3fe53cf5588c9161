// Sends one complete Ethernet frame on an interface through an AF_PACKET socket. Gratuitous ARP
// and unsolicited neighbour advertisements are built byte-exact in TypeScript (pure, tested) and
// sent here, as keepalived's vrrp_arp.c / vrrp_ndisc.c send them on a packet socket.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errors.h"
#include "netns_guard.h"

namespace kats {

// sendEthernetFrame(ifindex: number, frame: Buffer, netns?: string): number of bytes sent.
Napi::Value SendEthernetFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsBuffer()) throw Napi::TypeError::New(env, "sendEthernetFrame(ifindex: number, frame: Buffer) expected");
  int ifindex = info[0].As<Napi::Number>().Int32Value();
  auto frame = info[1].As<Napi::Buffer<unsigned char>>();
  if (ifindex <= 0) throw Napi::RangeError::New(env, "ifindex must be positive");
  if (frame.Length() < ETH_HLEN) throw Napi::RangeError::New(env, "frame shorter than an Ethernet header");
  uint16_t ethertype = static_cast<uint16_t>((frame.Data()[12] << 8) | frame.Data()[13]);

  std::string netns = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  NetnsGuard inNs(env, netns);
  // Protocol 0: this socket only sends, so it never queues received frames.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(env, "socket(AF_PACKET)", errno);
  sockaddr_ll ll;
  std::memset(&ll, 0, sizeof(ll));
  ll.sll_family = AF_PACKET;
  ll.sll_ifindex = ifindex;
  ll.sll_protocol = htons(ethertype);
  ll.sll_halen = ETH_ALEN;
  std::memcpy(ll.sll_addr, frame.Data(), ETH_ALEN);
  ssize_t n = sendto(fd, frame.Data(), frame.Length(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof(ll));
  int err = errno;
  close(fd);
  if (n < 0) throw ErrnoError(env, "sendto(AF_PACKET ifindex " + std::to_string(ifindex) + ")", err);
  return Napi::Number::New(env, static_cast<double>(n));
}

}  // namespace kats
