// Loads a configuration the way the daemon needs it at start and on reload: parse (keepalived.conf
// or YAML by extension), validate, check against this host, and compute keepalived's config-test
// exit code. Never throws for bad input: everything becomes a located diagnostic.
import { hostname } from 'node:os';
import { exitCodeOf, sortDiagnostics, type Diagnostic } from '../../parsers/diagnostics.js';
import { DiagnosticSink } from '../../parsers/diagnostics.js';
import { parseConf } from '../../parsers/conf-parser.js';
import { fsAccess } from './fs-access.js';
import { checkAgainstHost, type HostFacts } from './host-checks.js';
import type { KeepalivedConfig } from './model.js';
import { validateModel } from './validate.js';
/** The YAML form is chosen by extension (the yaml module is loaded only then). */
const isYamlFile = (path: string): boolean => /\.ya?ml$/i.test(path);
import { resolve } from 'node:path';

export type ConfigExitCode = 0 | 2 | 4 | 5 | 6;

export interface LoadResult {
  /** Undefined when the file could not be read (exit 4) or keepalived would stop (exit 2). */
  model: KeepalivedConfig | undefined;
  diagnostics: Diagnostic[];
  exitCode: ConfigExitCode;
}

export interface LoadOptions {
  /** `-i/--config-id`; default: the host name (as keepalived). */
  configId?: string;
  /** Skip the host checks (interfaces, scripts): for converting a config written for another host. */
  skipHostChecks?: boolean;
  host?: HostFacts;
}

export class ConfigLoadInternalError extends Error {
  override readonly name = 'ConfigLoadInternalError';
}

export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const sink = new DiagnosticSink();
  try {
    return await loadInto(file, opts, sink);
  } catch (err) {
    // A bug in ka-ts must not take the daemon down on reload: report it as fatal (exit 4, no
    // model), so the caller keeps its last good configuration.
    const e = new ConfigLoadInternalError(`internal error while loading ${file}: ${(err as Error)?.stack ?? String(err)}`);
    sink.error('internal-error', e.message, undefined, 4);
    return { model: undefined, diagnostics: sortDiagnostics(sink.items), exitCode: 4 };
  }
}

async function loadInto(file: string, opts: LoadOptions, sink: DiagnosticSink): Promise<LoadResult> {
  const abs = resolve(file);
  const configId = opts.configId ?? hostname();
  let model: KeepalivedConfig | undefined;
  let stopped = false;
  if (isYamlFile(abs)) {
    const text = fsAccess.readFile(abs);
    if (text === undefined) {
      sink.error('file-not-found', `configuration file ${abs} cannot be read`, undefined, 4);
      return { model: undefined, diagnostics: sink.items, exitCode: 4 };
    }
    const { parseYamlConfig } = await import('../../parsers/yaml-form.js');
    model = parseYamlConfig(abs, text, sink);
    if (sink.items.some((d) => d.exitClass === 4)) return { model: undefined, diagnostics: sortDiagnostics(sink.items), exitCode: 4 };
  } else {
    const r = parseConf(abs, { configId, access: fsAccess }, sink);
    if (!r.found) {
      sink.error('file-not-found', `configuration file ${abs} cannot be read`, undefined, 4);
      return { model: undefined, diagnostics: sink.items, exitCode: 4 };
    }
    model = r.model;
    stopped = r.stopped;
  }
  if (stopped || !model) {
    // keepalived stops reading at a keyword missing its value: exit 2, whatever came before.
    return { model: undefined, diagnostics: sortDiagnostics(sink.items), exitCode: 2 };
  }
  const parsedInstances = [...model.vrrpInstances];
  validateModel(model, sink);
  if (!opts.skipHostChecks) await checkAgainstHost(model, sink, opts.host, parsedInstances);
  return { model, diagnostics: sortDiagnostics(sink.items), exitCode: exitCodeOf(sink.items) };
}
