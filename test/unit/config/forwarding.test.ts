// lb_kind / lvs_method / sorry_server_lvs_method with keepalived's tunnel options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderConf } from '../../../parsers/render-conf.js';
import { codes, parseText } from './parse-helpers.js';

const vs = (kind: string, servers: string): string => `virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind ${kind}\n protocol TCP\n${servers}}\n`;
const rs = (addr: string, method?: string): string => ` real_server ${addr} 80 {\n${method ? `  lvs_method ${method}\n` : ''} }\n`;

test('tunnel options: type, gue port and checksum mode, on the virtual server, its real servers and the sorry server', () => {
  const r = parseText(vs('TUN type gue port 6080 csum', `${rs('10.0.0.2')}${rs('10.0.0.3', 'TUN type gre csum')}${rs('10.0.0.4', 'TUN type ipip nocsum')} sorry_server 10.0.0.9 80\n sorry_server_lvs_method TUN type gre\n`));
  assert.deepEqual(codes(r), []);
  const v = r.model.virtualServers[0]!;
  assert.deepEqual([v.lbKind, v.tunnel], ['TUN', { type: 'gue', port: 6080, checksum: 'csum' }]);
  assert.deepEqual(v.realServers.map((x) => [x.lbKind, x.tunnel]), [[undefined, undefined], ['TUN', { type: 'gre', checksum: 'csum' }], ['TUN', { type: 'ipip', checksum: 'nocsum' }]]);
  assert.deepEqual([v.sorryServer?.lbKind, v.sorryServer?.tunnel], ['TUN', { type: 'gre' }]);
  // Rendered back the same way, so the model survives conf → model → conf.
  const again = parseText(renderConf(r.model));
  assert.deepEqual(codes(again), []);
  assert.deepEqual(again.model.virtualServers[0]!.tunnel, v.tunnel);
  assert.deepEqual(again.model.virtualServers[0]!.realServers.map((x) => x.tunnel), v.realServers.map((x) => x.tunnel));
  assert.deepEqual(again.model.virtualServers[0]!.sorryServer?.tunnel, v.sorryServer?.tunnel);
});

test('invalid tunnel options are reported where they are and leave the method set, as keepalived', () => {
  const cases: Array<[string, RegExp]> = [
    ['TUN type gue', /gue tunnels require port/],
    ['TUN port 6080', /gue tunnels require port/],
    ['TUN type vxlan', /unknown tunnel type vxlan/],
    ['TUN type', /missing tunnel type/],
    ['TUN type gue port 70000', /invalid gue tunnel port 70000/],
    ['TUN csum', /ipip tunnels do not support checksum/],
    ['TUN type gre remcsum', /gre tunnels do not support remote checksum/],
    ['TUN fast', /invalid tunnel option fast/],
  ];
  for (const [method, re] of cases) {
    const r = parseText(vs('NAT', rs('10.0.0.2', method)));
    assert.deepEqual(codes(r), ['invalid-tunnel-option'], method);
    assert.match(r.sink.items[0]!.message, re, method);
    assert.equal(r.sink.items[0]!.exitClass, 5);
    const s = r.model.virtualServers[0]!.realServers[0]!;
    assert.deepEqual([s.lbKind, s.tunnel], ['TUN', undefined], method);
  }
  const bad = parseText(vs('FNAT', rs('10.0.0.2')));
  assert.deepEqual(codes(bad).filter((c) => c === 'invalid-lb-kind'), ['invalid-lb-kind']);
});

test('a later valid lvs_method replaces the tunnel options (also with none); an invalid one keeps them, as keepalived', () => {
  const twice = (second: string): ReturnType<typeof parseText> =>
    parseText(vs('NAT', ` real_server 10.0.0.2 80 {\n  lvs_method TUN type gre csum\n  lvs_method ${second}\n }\n`));
  assert.deepEqual(twice('TUN').model.virtualServers[0]!.realServers[0]!.tunnel, undefined);
  assert.deepEqual(twice('TUN type gue port 7000').model.virtualServers[0]!.realServers[0]!.tunnel, { type: 'gue', port: 7000 });
  const bad = twice('TUN type vxlan');
  assert.deepEqual(codes(bad), ['invalid-tunnel-option']);
  assert.deepEqual(bad.model.virtualServers[0]!.realServers[0]!.tunnel, { type: 'gre', checksum: 'csum' });
});
