// render∘parse = identity on the model, for every file of ../shared/corpus: keepalived.conf →
// model → keepalived.conf → model, and model → YAML → model.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from '../../../parsers/conf-parser.js';
import { DiagnosticSink } from '../../../parsers/diagnostics.js';
import { renderConf } from '../../../parsers/render-conf.js';
import { modelToYaml, parseYamlConfig } from '../../../parsers/yaml-form.js';
import { fsAccess } from '../../../src/config/fs-access.js';
import { comparable } from './model-compare.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const files = ['keepalived-samples', 'real-world'].flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => join(CORPUS, d, f)));

function reparseConf(text: string) {
  const sink = new DiagnosticSink();
  const access = { readFile: (p: string) => (p === '/rendered.conf' ? text : undefined), glob: () => [] };
  const r = parseConf('/rendered.conf', { configId: 'vm', access }, sink);
  return { model: r.model, sink, stopped: r.stopped };
}

test('corpus: conf → model → conf → model is the identity', () => {
  assert.ok(files.length >= 100);
  let compared = 0;
  for (const f of files) {
    const first = parseConf(f, { configId: 'vm', access: fsAccess });
    if (first.stopped) continue; // keepalived stops reading: no model to round-trip
    const text = renderConf(first.model);
    const second = reparseConf(text);
    assert.equal(second.stopped, false, `${f}: rendered text stops the parser:\n${text}`);
    assert.deepEqual(comparable(second.model), comparable(first.model), `${f}: model changed through rendering:\n${text}`);
    compared++;
  }
  assert.ok(compared >= 100, `only ${compared} files compared`);
});

test('corpus: model → YAML → model is the identity', () => {
  for (const f of files) {
    const first = parseConf(f, { configId: 'vm', access: fsAccess });
    if (first.stopped) continue;
    const yaml = modelToYaml(first.model);
    const sink = new DiagnosticSink();
    const back = parseYamlConfig('/rendered.yaml', yaml, sink);
    assert.ok(back, `${f}: YAML form stops the parser:\n${yaml}`);
    assert.deepEqual(sink.items.filter((d) => d.code.startsWith('yaml')), [], `${f}: YAML shape errors`);
    assert.deepEqual(comparable(back), comparable(first.model), `${f}: model changed through YAML:\n${yaml}`);
  }
});
