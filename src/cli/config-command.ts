// `ka-ts config dump [--json|--yaml|--conf] [-f FILE] [-i ID]` prints the resolved model (what
// keepalived would build, defaults filled in); `ka-ts config convert [-f FILE] [--to yaml|conf]
// [-o OUT]` turns keepalived.conf into the YAML form and back. Diagnostics go to stderr.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { renderConf } from '../../parsers/render-conf.js';
import { loadConfig } from '../config/load.js';
import { DEFAULT_CONFIG_FILE } from '../config/model.js';
import { diagnosticsText } from './config-test.js';

const USAGE = `usage: ka-ts config dump [--json|--yaml|--conf] [-f FILE] [-i CONFIG_ID] [-o OUT]
       ka-ts config convert [-f FILE] [--to yaml|conf] [-o OUT] [-i CONFIG_ID]
`;

export class ConfigCommandUsageError extends Error {
  override readonly name = 'ConfigCommandUsageError';
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      file: { type: 'string', short: 'f', default: DEFAULT_CONFIG_FILE },
      'config-id': { type: 'string', short: 'i' },
      json: { type: 'boolean', default: false },
      yaml: { type: 'boolean', default: false },
      conf: { type: 'boolean', default: false },
      to: { type: 'string' },
      out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

export async function runConfigCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  let o: ReturnType<typeof parse>;
  try {
    o = parse(rest);
  } catch (err) {
    process.stderr.write(`ka-ts config: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (o.help || (verb !== 'dump' && verb !== 'convert')) {
    (o.help ? process.stdout : process.stderr).write(USAGE);
    return o.help ? 0 : 2;
  }
  // Loaded here, not at the top: `ka-ts -t` imports this module and should not pay for yaml.
  const { isYamlFile, modelToYaml } = await import('../../parsers/yaml-form.js');
  const configId = o['config-id'];
  // Converting is for a file that may be meant for another host: no interface/script checks.
  const r = await loadConfig(o.file, { ...(configId !== undefined ? { configId } : {}), skipHostChecks: verb === 'convert' });
  if (r.diagnostics.length) process.stderr.write(diagnosticsText(r.diagnostics));
  if (!r.model) return r.exitCode;
  let text: string;
  if (verb === 'dump') {
    if ([o.json, o.yaml, o.conf].filter(Boolean).length > 1) {
      process.stderr.write(`ka-ts config dump: choose one of --json, --yaml, --conf\n`);
      return 2;
    }
    text = o.yaml ? modelToYaml(r.model) : o.conf ? renderConf(r.model) : `${JSON.stringify(r.model, null, 2)}\n`;
  } else {
    const to = o.to ?? (isYamlFile(o.file) ? 'conf' : 'yaml');
    if (to !== 'yaml' && to !== 'conf') {
      process.stderr.write(`ka-ts config convert: --to must be yaml or conf, not '${to}'\n`);
      return 2;
    }
    text = to === 'yaml' ? modelToYaml(r.model) : renderConf(r.model);
  }
  if (o.out !== undefined) await writeFile(o.out, text);
  else process.stdout.write(text);
  return verb === 'dump' ? r.exitCode : 0;
}
