// `ka-ts ctl status|stats|reload|demote|restore [--json] [--control-socket PATH] [-s NAMESPACE]`:
// talks to a running daemon over its control socket.
import { parseArgs } from 'node:util';
import { controlRequest, ControlClientError } from '../daemon/control-client.js';
import type { ControlRequest } from '../daemon/control-protocol.js';
import { daemonPaths } from '../daemon/paths.js';
import { renderStatus, renderStats } from '../ops/status-render.js';
import type { DaemonSnapshot } from '../ops/snapshot.js';

const USAGE = `Usage: ka-ts ctl COMMAND [--json] [--control-socket PATH] [-s NAMESPACE]
Commands:
  status                       instances, virtual servers and real servers
  stats                        per-instance VRRP counters, every drop reason
  reload                       reload the configuration (as SIGHUP, but reports the result)
  demote INSTANCE [PRIORITY]   lower an instance's priority (default 1) for a failover drill
  restore INSTANCE             undo a demote
`;

export async function runCtlCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'control-socket': { type: 'string' },
        namespace: { type: 'string', short: 's' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`ka-ts ctl: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [cmd, ...rest] = positionals;
  let req: ControlRequest;
  switch (cmd) {
    case 'status': case 'stats': case 'reload':
      if (rest.length > 0) return usageError(`'${cmd}' takes no arguments`);
      req = { cmd };
      break;
    case 'demote': {
      const [instance, prio] = rest;
      if (!instance || rest.length > 2) return usageError('demote needs INSTANCE [PRIORITY]');
      const priority = prio === undefined ? undefined : Number(prio);
      if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > 254)) return usageError(`invalid priority '${prio}' (1-254)`);
      req = priority === undefined ? { cmd, instance } : { cmd, instance, priority };
      break;
    }
    case 'restore':
      if (rest.length !== 1 || !rest[0]) return usageError('restore needs INSTANCE');
      req = { cmd, instance: rest[0] };
      break;
    default:
      return usageError(cmd === undefined ? 'a command is needed' : `unknown command '${cmd}'`);
  }
  const path = daemonPaths({ controlSocket: values['control-socket'], namespace: values.namespace }).controlSocket;
  let result: unknown;
  try {
    result = await controlRequest(path, req);
  } catch (err) {
    process.stderr.write(`ka-ts ctl: ${(err as ControlClientError).message}\n`);
    return 1;
  }
  if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (req.cmd === 'status') process.stdout.write(renderStatus(result as DaemonSnapshot));
  else if (req.cmd === 'stats') process.stdout.write(renderStats(result as DaemonSnapshot));
  else process.stdout.write(`${typeof result === 'string' ? result : JSON.stringify(result)}\n`);
  return 0;
}

function usageError(msg: string): number {
  process.stderr.write(`ka-ts ctl: ${msg}\n${USAGE}`);
  return 2;
}
