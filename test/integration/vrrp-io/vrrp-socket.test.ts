// The native VRRP socket against the real keepalived 2.2.7 on a bridge: it receives keepalived's
// adverts (TTL/hop limit 255, right ifindex and addresses), keepalived accepts what it sends
// (a higher-priority advert pushes keepalived's MASTER to BACKUP, for v2 IPv4 multicast, v2
// unicast with unicast_src_ip/unicast_peer, and v3 IPv6 with the checksum filled by the kernel), packets arrive only on the bound interface,
// unicast with a bound source works, and gratuitous ARP / NA frames appear on the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NetnsLab, rootSkipReason, waitFor } from '../lib/netns.js';
import { KeepalivedPeer } from '../lib/keepalived-peer.js';
import { WireCapture } from '../lib/wire-capture.js';
import { nativeAvailable } from '../../../src/native/addon.js';
import { VrrpSocket, type VrrpSocketPacket } from '../../../src/vrrp/io/vrrp-socket.js';
import { Announcer } from '../../../src/vrrp/io/announcer.js';
import { NativeVrrpTransport } from '../../../src/vrrp/io/native-transport.js';
import type { ReceivedPacket } from '../../../src/vrrp/engine/ports.js';
import { interfaceFacts } from '../../../src/vrrp/io/interface-facts.js';
import { ipv6Bytes } from '../../../src/vrrp/io/announce-frames.js';
import { v2Advert, v3Ipv6Advert } from './vrrp-packets.js';

const skip = rootSkipReason() ?? (nativeAvailable() ? undefined : 'native addon not built (npx node-gyp rebuild --directory native --nodedir=/usr)');

describe('native VRRP socket', { skip }, () => {
  const lab = new NetnsLab('vio');
  let ka!: KeepalivedPeer;
  let br = '', kaNs = '', me = '', x = '';
  const sockets: VrrpSocket[] = [];
  const open = (o: ConstructorParameters<typeof VrrpSocket>[0]): { sock: VrrpSocket; got: VrrpSocketPacket[] } => {
    const sock = new VrrpSocket(o);
    sockets.push(sock);
    const got: VrrpSocketPacket[] = [];
    sock.on('packet', (p) => got.push(p));
    return { sock, got };
  };

  before(async () => {
    br = await lab.addNs('br');
    kaNs = await lab.addNs('ka');
    me = await lab.addNs('me');
    x = await lab.addNs('x');
    // No DAD: link-local addresses (VRRPv3 IPv6 sources) must be usable at once.
    for (const ns of [kaNs, me, x]) await lab.exec(ns, 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
    await lab.bridge(br, 'br0');
    await lab.plugIntoBridge(kaNs, 'eth0', br, 'br0', 'p-ka');
    await lab.plugIntoBridge(me, 'eth0', br, 'br0', 'p-me');
    await lab.veth(me, 'eth1', x, 'eth0');
    await lab.addAddr(kaNs, 'eth0', '10.77.0.1/24');
    await lab.addAddr(me, 'eth0', '10.77.0.2/24');
    await lab.addAddr(me, 'eth1', '10.78.0.1/24');
    await lab.addAddr(x, 'eth0', '10.78.0.2/24');
    ka = KeepalivedPeer.start(lab, kaNs, {
      routerId: 'ka',
      instances: [
        { name: 'VI_4', interface: 'eth0', vrid: 51, priority: 150, state: 'MASTER', advertInt: 1, vips: ['10.77.0.100/24'] },
        { name: 'VI_6', interface: 'eth0', vrid: 52, priority: 150, state: 'MASTER', advertInt: 1, version: 3, vips: ['fd00:77::100/64'] },
        { name: 'VI_U', interface: 'eth0', vrid: 53, priority: 150, state: 'MASTER', advertInt: 1, vips: ['10.77.0.101/24'], unicastSrc: '10.77.0.1', unicastPeers: ['10.77.0.2'] },
      ],
    });
  });

  after(async () => {
    for (const s of sockets) s.close();
    try { await ka?.stop(); } finally {
      ka?.removeFiles();
      await lab.cleanup();
    }
  });

  test('receives keepalived adverts (v2 IPv4 and v3 IPv6) with TTL/hop limit 255 and the ifindex', async () => {
    const eth0 = await interfaceFacts('eth0', me);
    const kaEth0 = await interfaceFacts('eth0', kaNs);
    const v4 = open({ ifname: 'eth0', family: 'ipv4', multicast: true, netns: me });
    const v6 = open({ ifname: 'eth0', family: 'ipv6', multicast: true, netns: me });
    const uni = open({ ifname: 'eth0', family: 'ipv4', multicast: false, sourceAddress: '10.77.0.2', netns: me });
    const a4 = await waitFor(() => v4.got.find((p) => p.payload[1] === 51 && p.payload[2] === 150), 15_000);
    assert.equal(a4.ttl, 255);
    assert.equal(a4.ifindex, eth0.ifindex);
    assert.equal(a4.src, '10.77.0.1');
    assert.equal(a4.dst, '224.0.0.18');
    assert.equal(a4.ipHeaderLength, 20);
    assert.equal(a4.ipTotalLength, 20 + a4.payload.length);
    assert.equal(a4.payload[0], 0x21);
    const a6 = await waitFor(() => v6.got.find((p) => p.payload[1] === 52 && p.payload[2] === 150), 15_000);
    assert.equal(a6.ttl, 255);
    assert.equal(a6.ifindex, eth0.ifindex);
    assert.equal(a6.src, kaEth0.ipv6LinkLocal);
    assert.equal(a6.dst, 'ff02::12');
    assert.equal(a6.payload[0], 0x31);
    const au = await waitFor(() => uni.got.find((p) => p.payload[1] === 53 && p.payload[2] === 150), 15_000);
    assert.deepEqual({ src: au.src, dst: au.dst, ttl: au.ttl }, { src: '10.77.0.1', dst: '10.77.0.2', ttl: 255 });
    // A socket bound to the unicast source sees only what is addressed to it; the multicast
    // socket without the group of a unicast instance never sees unicast adverts to another host.
    assert.ok(uni.got.every((p) => p.dst === '10.77.0.2'));
    assert.ok(v4.got.every((p) => p.payload[1] !== 53 || p.dst === '10.77.0.2'));
    assert.equal(v4.sock.counters.recvErrors, 0);
  });

  test('keepalived accepts our adverts: a higher priority moves its MASTERs to BACKUP', async () => {
    await ka.waitForState('VI_4', 'MASTER', 15_000);
    await ka.waitForState('VI_6', 'MASTER', 15_000);
    await ka.waitForState('VI_U', 'MASTER', 15_000);
    const cap = await WireCapture.start(lab, kaNs, 'eth0');
    const s4 = open({ ifname: 'eth0', family: 'ipv4', multicast: true, netns: me }).sock;
    const s6 = open({ ifname: 'eth0', family: 'ipv6', multicast: true, netns: me }).sock;
    const su = open({ ifname: 'eth0', family: 'ipv4', multicast: false, sourceAddress: '10.77.0.2', netns: me }).sock;
    const send = (): void => {
      s4.send(v2Advert(51, 200, ['10.77.0.100']));
      s6.send(v3Ipv6Advert(52, 200, [ipv6Bytes('fd00:77::100')]));
      su.send(v2Advert(53, 200, ['10.77.0.101']), '10.77.0.1');
    };
    send();
    const timer = setInterval(send, 1000);
    try {
      await ka.waitForState('VI_4', 'BACKUP', 10_000);
      await ka.waitForState('VI_6', 'BACKUP', 10_000);
      await ka.waitForState('VI_U', 'BACKUP', 10_000);
      await waitFor(async () => !(await ka.holds('10.77.0.100')) && !(await ka.holds('fd00:77::100')) && !(await ka.holds('10.77.0.101')), 5_000);
    } finally {
      clearInterval(timer);
      await cap.stop();
    }
    // On the wire our packets look like keepalived's (test/fixtures/vrrp): IPv4 TOS 0xc0, no DF,
    // TTL 255; IPv6 traffic class 0xc0, hop limit 255; the VRRP message exactly as handed over,
    // except the v3 IPv6 checksum, which the kernel filled in.
    const w4 = cap.adverts.find((a) => a.family === 'ipv4' && a.vrid === 51 && a.priority === 200);
    assert.ok(w4, 'our v2 advert on the wire');
    assert.equal(w4.ipHeader[1], 0xc0);
    assert.equal(w4.ipHeader.readUInt16BE(6), 0);
    assert.equal(w4.ttl, 255);
    assert.equal(w4.dst, '224.0.0.18');
    assert.deepEqual(w4.payload, v2Advert(51, 200, ['10.77.0.100']));
    const w6 = cap.adverts.find((a) => a.family === 'ipv6' && a.vrid === 52 && a.priority === 200);
    assert.ok(w6, 'our v3 IPv6 advert on the wire');
    assert.equal((w6.ipHeader.readUInt32BE(0) >>> 20) & 0xff, 0xc0);
    assert.equal(w6.ttl, 255);
    assert.equal(w6.dst, 'ff02::12');
    assert.notEqual(w6.payload.readUInt16BE(6), 0);
    const sent6 = v3Ipv6Advert(52, 200, [ipv6Bytes('fd00:77::100')]);
    assert.deepEqual(Buffer.concat([w6.payload.subarray(0, 6), w6.payload.subarray(8)]), Buffer.concat([sent6.subarray(0, 6), sent6.subarray(8)]));
    const wu = cap.adverts.find((a) => a.vrid === 53 && a.priority === 200);
    assert.deepEqual({ src: wu?.src, dst: wu?.dst, ttl: wu?.ttl }, { src: '10.77.0.2', dst: '10.77.0.1', ttl: 255 });
    assert.equal(su.counters.sendErrors, 0);
    assert.equal(s4.counters.sendErrors, 0);
    assert.equal(s6.counters.sendErrors, 0);
    assert.ok(s4.counters.sent >= 1 && s6.counters.sent >= 1);
  });

  test('only packets from the bound interface arrive', async () => {
    const onEth0 = open({ ifname: 'eth0', family: 'ipv4', multicast: true, netns: me });
    const onEth1 = open({ ifname: 'eth1', family: 'ipv4', multicast: true, netns: me });
    const fromX = open({ ifname: 'eth0', family: 'ipv4', multicast: true, netns: x }).sock;
    fromX.send(v2Advert(99, 100, ['10.78.0.100']));
    const got = await waitFor(() => onEth1.got.find((p) => p.payload[1] === 99), 5_000);
    assert.equal(got.src, '10.78.0.2');
    // A second packet after the first one arrived: the eth0 socket had every chance to see both.
    fromX.send(v2Advert(99, 100, ['10.78.0.100']));
    await waitFor(() => onEth1.got.filter((p) => p.payload[1] === 99).length >= 2, 5_000);
    assert.equal(onEth0.got.filter((p) => p.payload[1] === 99).length, 0);
    assert.equal(onEth1.got.filter((p) => p.payload[1] === 51 || p.payload[1] === 52).length, 0);
  });

  test('unicast with a bound source address', async () => {
    const rx = open({ ifname: 'eth1', family: 'ipv4', multicast: false, sourceAddress: '10.78.0.1', netns: me });
    const tx = open({ ifname: 'eth0', family: 'ipv4', multicast: false, sourceAddress: '10.78.0.2', netns: x }).sock;
    tx.send(v2Advert(98, 120, ['10.78.0.100']), '10.78.0.1');
    const p = await waitFor(() => rx.got.find((q) => q.payload[1] === 98), 5_000);
    assert.equal(p.src, '10.78.0.2');
    assert.equal(p.dst, '10.78.0.1');
    assert.equal(p.ttl, 255);
  });

  test('NativeVrrpTransport (the engine port) delivers split packets and closes', async () => {
    const rxT = new NativeVrrpTransport(me);
    const txT = new NativeVrrpTransport(x);
    const got: ReceivedPacket[] = [];
    const errors: Error[] = [];
    const rx = rxT.open({ ifname: 'eth1', family: 'ipv4', multicast: true }, (p) => got.push(p), (e) => errors.push(e));
    const tx = txT.open({ ifname: 'eth0', family: 'ipv4', multicast: true }, () => {}, (e) => errors.push(e));
    try {
      tx.send(v2Advert(97, 110, ['10.78.0.100']), '224.0.0.18');
      const p = await waitFor(() => got.find((q) => q.payload[1] === 97), 5_000);
      assert.deepEqual({ src: p.src, dst: p.dst, ttl: p.ttl, hl: p.ipHeaderLength, tl: p.ipTotalLength }, { src: '10.78.0.2', dst: '224.0.0.18', ttl: 255, hl: 20, tl: 40 }); // 20-byte header + 20-byte advert with one VIP
      assert.deepEqual(p.payload, v2Advert(97, 110, ['10.78.0.100']));
      assert.equal(txT.counters().sent, 1);
      assert.equal(rxT.counters().received >= 1, true);
      assert.deepEqual(errors, []);
    } finally {
      rx.close();
      tx.close();
    }
    assert.equal(rxT.counters().received, 0, 'closed sockets leave the sum');
  });

  test('opening on a missing interface is a typed error with the errno code', () => {
    assert.throws(() => new VrrpSocket({ ifname: 'nope0', family: 'ipv4', multicast: true, netns: me }), (e: Error & { code?: string }) => e.name === 'VrrpSocketError' && e.code === 'ENODEV');
  });

  test('gratuitous ARP and unsolicited NA are on the wire', async () => {
    const cap = await WireCapture.start(lab, kaNs, 'eth0');
    try {
      const eth0 = await interfaceFacts('eth0', me);
      const errors: Error[] = [];
      const ann = new Announcer((e) => errors.push(e), me);
      await ann.prepare(['eth0', 'nope0']);
      assert.equal(await ann.announceNow('eth0', ['10.77.0.200', 'fd00:77::200/64']), 2);
      const garp = await cap.waitForGarp('10.77.0.200', 5_000);
      assert.equal(garp.senderMac, eth0.mac);
      assert.equal(garp.op, 1);
      const na = await cap.waitForNa('fd00:77::200', 5_000);
      assert.equal(na.srcMac, eth0.mac);
      assert.equal(na.dst, 'ff02::1');
      assert.equal(na.override, true);
      assert.equal(na.solicited, false);
      assert.deepEqual(errors, []);
      assert.deepEqual(ann.counters, { garpSent: 1, naSent: 1, errors: 0 });
    } finally {
      await cap.stop();
    }
  });
});
