// fast-check properties: (1) random and mutated configurations never make the parser or the
// validator throw — only located diagnostics come out; (2) for whatever model a text parses to,
// rendering it to keepalived.conf and parsing again gives the same model; (3) the same for YAML.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { DiagnosticSink } from '../../../parsers/diagnostics.js';
import { renderConf } from '../../../parsers/render-conf.js';
import { modelToYaml, parseYamlConfig } from '../../../parsers/yaml-form.js';
import { validateModel } from '../../../src/config/validate.js';
import { comparable } from './model-compare.js';
import { parseText } from './parse-helpers.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const seeds = ['keepalived-samples', 'real-world'].flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => readFileSync(join(CORPUS, d, f), 'latin1')));

const VOCAB = ['global_defs', 'vrrp_instance', 'virtual_server', 'real_server', 'TCP_CHECK', 'HTTP_GET', 'url', 'path', 'status_code', 'interface', 'virtual_router_id',
  'priority', 'advert_int', 'state', 'MASTER', 'virtual_ipaddress', 'track_script', 'weight', 'vrrp_script', 'script', 'lb_algo', 'lb_kind', 'protocol', 'fwmark',
  'group', 'vrrp_sync_group', 'include', '@vm', '@^vm', '$X=1', '$X', '${X}', '~SEQ(N,3)', '{', '}', '"', "'", '#', '!', '\\', '10.0.0.1', '10.0.0.1/24', 'fe80::1',
  '80', '-1', '0', '256', '1.5', 'eth0', 'dev', 'brd', 'no_track', 'authentication', 'auth_pass', 'auth_type', 'AH', 'PASS', 'notify_master', 'unicast_peer',
  'virtual_server_group', 'sorry_server', 'quorum', 'persistence_timeout', 'delay_loop', 'nb_get_retry', 'MISC_CHECK', 'misc_path', 'DNS_CHECK', 'UDP_CHECK'];

const tokenSoup = fc.array(fc.oneof(fc.constantFrom(...VOCAB), fc.constantFrom(' ', '\n', '\t', '  '), fc.string({ maxLength: 6 })), { maxLength: 120 }).map((a) => a.join(' '));

/** A corpus file with a few random edits: deleted, duplicated or inserted slices. */
const mutated = fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('del', 'dup', 'ins'), fc.constantFrom(...VOCAB)), { maxLength: 6 }))
  .map(([i, edits]) => {
    let s = seeds[i]!;
    for (const [pos, len, kind, word] of edits) {
      const p = s.length ? pos % s.length : 0;
      if (kind === 'del') s = s.slice(0, p) + s.slice(p + len);
      else if (kind === 'dup') s = s.slice(0, p + len) + s.slice(p, p + len) + s.slice(p + len);
      else s = `${s.slice(0, p)} ${word} ${s.slice(p)}`;
    }
    return s;
  });

const anyConfig = fc.oneof(tokenSoup, mutated, fc.string({ maxLength: 300 }));

test('random and mutated configs never throw, every diagnostic is located in range', () => {
  fc.assert(fc.property(anyConfig, (text) => {
    const r = parseText(text);
    if (!r.stopped) validateModel(r.model, r.sink);
    const lines = text.split('\n').length;
    for (const d of r.sink.items) {
      if (!d.loc) continue;
      assert.ok(d.loc.line >= 1 && d.loc.line <= lines, `line ${d.loc.line} of ${lines}: ${d.message}`);
      assert.ok(d.loc.col >= 1, `col ${d.loc.col}: ${d.message}`);
    }
  }), { numRuns: 300 });
});

test('conf → model → conf → model is the identity for any parsed text', () => {
  fc.assert(fc.property(anyConfig, (text) => {
    const first = parseText(text);
    fc.pre(!first.stopped);
    const second = parseText(renderConf(first.model));
    assert.equal(second.stopped, false);
    assert.deepEqual(comparable(second.model), comparable(first.model));
  }), { numRuns: 300 });
});

test('model → YAML → model is the identity for any parsed text', () => {
  fc.assert(fc.property(anyConfig, (text) => {
    const first = parseText(text);
    fc.pre(!first.stopped);
    const sink = new DiagnosticSink();
    const back = parseYamlConfig('/x.yaml', modelToYaml(first.model), sink);
    assert.ok(back);
    assert.deepEqual(comparable(back), comparable(first.model));
  }), { numRuns: 200 });
});

/** The YAML form of a corpus file with random slices deleted, duplicated or replaced. */
const mutatedYaml = fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.constantFrom('del', 'dup', 'ins'), fc.constantFrom(':', '- ', '  ', '\n', '{', '[', '"', 'null', '~', '&a', '*a', '!!str', ...VOCAB)), { maxLength: 6 }))
  .map(([i, edits]) => {
    let s = modelToYaml(parseText(seeds[i]!).model);
    for (const [pos, len, kind, word] of edits) {
      const p = s.length ? pos % s.length : 0;
      if (kind === 'del') s = s.slice(0, p) + s.slice(p + len);
      else if (kind === 'dup') s = s.slice(0, p + len) + s.slice(p, p + len) + s.slice(p + len);
      else s = `${s.slice(0, p)}${word}${s.slice(p)}`;
    }
    return s;
  });

test('random and mutated YAML never throws, every diagnostic is located in range', () => {
  fc.assert(fc.property(fc.oneof(mutatedYaml, fc.string({ maxLength: 200 })), (text) => {
    const sink = new DiagnosticSink();
    const m = parseYamlConfig('/m.yaml', text, sink);
    if (m) validateModel(m, sink);
    const lines = text.split('\n').length;
    for (const d of sink.items) {
      if (!d.loc) continue;
      assert.ok(d.loc.line >= 1 && d.loc.line <= lines, `line ${d.loc.line} of ${lines}: ${d.message}`);
    }
  }), { numRuns: 300 });
});
