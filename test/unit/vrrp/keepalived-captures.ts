// Adverts sent by the real keepalived 2.2.7 (/usr/sbin/keepalived), captured with tcpdump on a veth
// in a scratch network namespace (one instance per capture, config summarised in `config`). The
// VRRP payload follows the IP header; src/dst/ttl are from that header. These are the golden
// bytes the codec must reproduce exactly.

export interface KeepalivedCapture {
  config: string;
  src: string;
  dst: string;
  ttl: number;
  /** IP header as captured (IPv4: built by keepalived itself, IP_HDRINCL; IPv6: by the kernel). */
  ipHex: string;
  payloadHex: string;
}

export const CAPTURES = {
  v2pass: {
    config: 'vrid 51, priority 100, advert_int 1, auth PASS "1111", VIPs 192.168.200.16 192.168.200.17',
    src: '10.9.0.1', dst: '224.0.0.18', ttl: 255,
    ipHex: '45c0002c00010000ff70d0840a090001e0000012',
    payloadHex: '21336402010105f3c0a8c810c0a8c8113131313100000000',
  },
  v3v4: {
    config: 'version 3, vrid 52, priority 150, advert_int 0.5, VIP 10.9.0.100/24',
    src: '10.9.0.1', dst: '224.0.0.18', ttl: 255,
    ipHex: '45c0002000010000ff70d0900a090001e0000012',
    payloadHex: '31349601003243920a090064',
  },
  v3v4uni: {
    config: 'version 3, vrid 53, priority 200, advert_int 1, unicast_src_ip 10.9.0.1, unicast_peer 10.9.0.2, VIPs 10.9.0.101-103',
    src: '10.9.0.1', dst: '10.9.0.2', ttl: 255,
    ipHex: '45c0002800010000ff70a6900a0900010a090002',
    payloadHex: '3135c8030064d27c0a0900650a0900660a090067',
  },
  v3v6: {
    config: 'version 3, vrid 54, priority 120, advert_int 0.1, VIPs fd00:9::100/64 fd00:9::200',
    src: 'fe80::9890:2ff:fe7b:84cf', dst: 'ff02::12', ttl: 255,
    ipHex: '6c02a4ee002870fffe80000000000000989002fffe7b84cfff020000000000000000000000000012',
    payloadHex: '31367802000a3ca0fd000009000000000000000000000100fd000009000000000000000000000200',
  },
  v2v6: {
    config: 'version 2, vrid 55, priority 90, advert_int 2, VIP fd00:9::55',
    src: 'fe80::7056:d4ff:fef9:ed3e', dst: 'ff02::12', ttl: 255,
    ipHex: '6c0f2c17001870fffe800000000000007056d4fffef9ed3eff020000000000000000000000000012',
    payloadHex: '21375a01000257b9fd000009000000000000000000000055',
  },
  v2stop: {
    config: 'vrid 56, priority 100, advert_int 1, VIP 192.168.1.1 — the priority-0 advert sent on SIGTERM',
    src: '10.9.0.1', dst: '224.0.0.18', ttl: 255,
    ipHex: '45c0002800030000ff70d0860a090001e0000012',
    payloadHex: '2138000100011d1cc0a801010000000000000000',
  },
  v3stop6: {
    config: 'version 3, vrid 58, priority 100, advert_int 0.2, VIP fd00:9::58 — the priority-0 advert sent on SIGTERM',
    src: 'fe80::3cdd:20ff:fe6b:ed72', dst: 'ff02::12', ttl: 255,
    ipHex: '6c0a5126001870fffe800000000000003cdd20fffe6bed72ff020000000000000000000000000012',
    payloadHex: '313a000100148975fd000009000000000000000000000058',
  },
  v2uni: {
    config: 'vrid 57, priority 100, advert_int 1, unicast_src_ip 10.9.0.1, unicast_peer 10.9.0.2, VIP 192.168.1.1',
    src: '10.9.0.1', dst: '10.9.0.2', ttl: 255,
    ipHex: '45c0002800010000ff70a6900a0900010a090002',
    payloadHex: '213964010001b91ac0a801010000000000000000',
  },
} satisfies Record<string, KeepalivedCapture>;
