/**
 * VRRP transport and address I/O (issue 3, items 3 and 4). Everything here does real I/O; the
 * frame builders and parsers are pure and exported for tests.
 *
 * Transport (needs the native addon, see src/native/addon.ts):
 * - `new NativeVrrpTransport(netns?)` implements the engine's `VrrpTransport`
 *   (`open(opts: VrrpChannelOptions, onPacket, onError): VrrpChannel`); `counters()` sums sockets.
 * - `new VrrpSocket({ifname, family: 'ipv4'|'ipv6', multicast, sourceAddress?, netns?})`:
 *   events 'packet' ({src, dst, ttl, ifindex, payload, ipHeaderLength?, ipTotalLength?}) and
 *   'error' (VrrpSocketError with errno `code`); `send(payload, dst = group): boolean`;
 *   `counters` {sent, received, sendErrors, recvErrors}; `close()`.
 *
 * Addresses:
 * - `new AddressManager(netns?)` implements the engine's `AddressPort` (`apply(add, del)`);
 *   `transact({addAddresses, removeAddresses, addRoutes, removeRoutes, addRules, removeRules})`
 *   runs one `ip -force -batch -` (a second `ip -6` one only for IPv6 rules), idempotent,
 *   rejects with AddressBatchError;
 *   `removeStale({...remove*})` for start-up clean-up; `counters`.
 *   Routes/rules are `{family, words}` with the config model's `VirtualRoute.words` /
 *   `VirtualRule.words` (keepalived-only `no_track` is dropped).
 *
 * Announcements:
 * - `new Announcer(onError?, netns?)` implements the engine's `AnnouncePort`
 *   (`announce(ifname, addresses)`), plus `announceNow(...): Promise<number>`, `prepare(ifnames)`
 *   (cache interface facts before the first failover) and `forget(ifname?)` (after link changes).
 * - `buildGratuitousArp(mac, ip)`, `buildUnsolicitedNa({mac, target, router})`: byte-exact
 *   keepalived 2.2.7 frames.
 *
 * Interfaces:
 * - `interfaceFacts(ifname, netns?)`, `allInterfaceFacts(netns?)`: {ifname, ifindex, mac, up,
 *   ipv4?, ipv6LinkLocal?, ipv6Forwarding?} from `ip -j addr`.
 * - `new LinkMonitor(onChange(ifname, up), netns?, reportInitial = true)`, `start(): Promise<void>`, `isUp(ifname)`,
 *   `stop()`: `ip -o monitor link` child, restarted and resynchronised if it dies.
 * - `new LinkPortAdapter(netns?)` implements the engine's `LinkPort` on top of both (watch reports
 *   changes only, never initial states; `ready()` resolves once the snapshot is taken).
 */
export * from './errors.js';
export * from './announce-frames.js';
export * from './vrrp-socket.js';
export * from './native-transport.js';
export * from './address-manager.js';
export * from './announcer.js';
export * from './interface-facts.js';
export * from './link-monitor.js';
export * from './link-port.js';
