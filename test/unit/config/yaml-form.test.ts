import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSink } from '../../../parsers/diagnostics.js';
import { modelToYaml, parseYamlConfig } from '../../../parsers/yaml-form.js';
import { comparable } from './model-compare.js';
import { parseText } from './parse-helpers.js';

const YAML = `global_defs:
  router_id: lb1
  enable_script_security: null
vrrp_instance VI_1:
  state: MASTER
  interface: eth0
  virtual_router_id: 51
  priority: 150
  advert_int: 0.5
  version: 3
  virtual_ipaddress:
    - 10.0.0.10/24 dev eth0
  track_script:
    - chk weight 5
vrrp_script chk:
  script: '"/usr/bin/test -f /tmp/x"'
virtual_server 10.0.0.10 80:
  lb_algo: rr
  lb_kind: DR
  protocol: TCP
  real_server 10.0.1.1 80:
    weight: 2
    HTTP_GET:
      url:
        - path: /
          status_code: 200-299
        - path: /health
`;

test('the YAML form parses into the same model as the equivalent keepalived.conf', () => {
  const sink = new DiagnosticSink();
  const y = parseYamlConfig('/x.yaml', YAML, sink);
  assert.deepEqual(sink.items, []);
  const conf = parseText(`global_defs {\n router_id lb1\n enable_script_security\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 150\n advert_int 0.5\n version 3\n virtual_ipaddress {\n 10.0.0.10/24 dev eth0\n }\n track_script {\n chk weight 5\n }\n}\nvrrp_script chk {\n script "/usr/bin/test -f /tmp/x"\n}\nvirtual_server 10.0.0.10 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.0.1.1 80 {\n weight 2\n HTTP_GET {\n url {\n path /\n status_code 200-299\n }\n url {\n path /health\n }\n }\n }\n}\n`);
  assert.deepEqual(conf.sink.items, []);
  assert.deepEqual(comparable(y!), comparable(conf.model));
  assert.equal(y!.vrrpScripts[0]!.script, '/usr/bin/test -f /tmp/x');
  assert.equal(y!.virtualServers[0]!.realServers[0]!.checkers.length, 1);
});

test('YAML diagnostics carry YAML line numbers', () => {
  const sink = new DiagnosticSink();
  parseYamlConfig('/x.yaml', 'vrrp_instance V:\n  virtual_router_id: 300\n  bogus_keyword: 1\n  priority: high\n', sink);
  assert.deepEqual(sink.items.map((d) => [d.code, d.loc?.file, d.loc?.line]), [
    ['out-of-range', '/x.yaml', 2], ['unknown-keyword', '/x.yaml', 3], ['invalid-number', '/x.yaml', 4],
  ]);
});

test('YAML syntax errors are located; a missing value stops like keepalived', () => {
  const sink = new DiagnosticSink();
  parseYamlConfig('/x.yaml', 'global_defs:\n  router_id: [unclosed\n', sink);
  assert.equal(sink.items[0]!.code, 'yaml-syntax');
  assert.equal(sink.items[0]!.loc?.file, '/x.yaml');
  const stop = new DiagnosticSink();
  assert.equal(parseYamlConfig('/x.yaml', 'vrrp_instance V:\n  interface: null\n', stop), undefined);
  assert.equal(stop.items[0]!.exitClass, 2);
});

test('modelToYaml output parses back to the same model', () => {
  const conf = parseText('vrrp_instance V {\n virtual_router_id 9\n unicast_src_ip 10.0.0.1\n unicast_peer {\n 10.0.0.2\n 10.0.0.3\n }\n notify_master "/bin/echo a b"\n}\n');
  const yaml = modelToYaml(conf.model);
  const back = parseYamlConfig('/y.yaml', yaml, new DiagnosticSink());
  assert.deepEqual(comparable(back!), comparable(conf.model));
  assert.match(yaml, /unicast_peer:\n\s+- 10\.0\.0\.2\n\s+- 10\.0\.0\.3/);
});
