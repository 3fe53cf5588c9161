// The control socket speaks one JSON object per line in each direction: a request
// `{"cmd": "...", ...args}` and a reply `{"ok": true, "result": ...}` or
// `{"ok": false, "error": "..."}`. Line-delimited JSON keeps it scriptable with `socat`.

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'stats' }
  | { cmd: 'reload' }
  | { cmd: 'demote'; instance: string; priority?: number }
  | { cmd: 'restore'; instance: string };

export type ControlReply = { ok: true; result: unknown } | { ok: false; error: string };

export class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
}

const COMMANDS = new Set(['status', 'stats', 'reload', 'demote', 'restore']);

/** Validates one request line; throws ControlRequestError with a precise message. */
export function parseControlRequest(line: string): ControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new ControlRequestError(`request is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlRequestError('request must be a JSON object');
  const req = value as Record<string, unknown>;
  if (typeof req.cmd !== 'string' || !COMMANDS.has(req.cmd)) {
    throw new ControlRequestError(`unknown command ${JSON.stringify(req.cmd)} (status, stats, reload, demote, restore)`);
  }
  if (req.cmd === 'demote' || req.cmd === 'restore') {
    if (typeof req.instance !== 'string' || req.instance === '') throw new ControlRequestError(`${req.cmd} needs "instance"`);
    if (req.cmd === 'demote' && req.priority !== undefined) {
      if (typeof req.priority !== 'number' || !Number.isInteger(req.priority) || req.priority < 1 || req.priority > 254) {
        throw new ControlRequestError('demote "priority" must be an integer 1-254');
      }
    }
  }
  return req as unknown as ControlRequest;
}
