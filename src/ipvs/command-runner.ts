// Runs a backend tool (ipvsadm, nft) with optional stdin. `prefix` lets the daemon or a test run
// the tool inside a network namespace (`ip netns exec NS`), the same way an operator would.
import { spawn } from 'node:child_process';
import { IpvsCommandError } from './errors.js';

export interface CommandOutput { stdout: string; stderr: string; code: number }

export type CommandRunner = (cmd: string, args: readonly string[], stdin?: string) => Promise<CommandOutput>;

/** A runner that never rejects for a non-zero exit (the caller decides); it rejects only when the program cannot start. */
export function processRunner(prefix: readonly string[] = [], timeoutMs = 30_000): CommandRunner {
  return (cmd, args, stdin) => new Promise((resolve, reject) => {
    const argv = [...prefix, cmd, ...args];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    // Own kill timer (not spawn's `timeout`, which lingers for its full length when the program
    // cannot even start): a hung tool is killed, and the timer never outlives the child.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new IpvsCommandError(argv.join(' '), e.code ?? 'spawn', e.message));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin.on('error', () => { /* the tool exited before reading all input; its exit status tells */ });
    child.stdin.end(stdin ?? '');
  });
}

/** Runs and rejects with IpvsCommandError on a non-zero exit. */
export async function runChecked(run: CommandRunner, cmd: string, args: readonly string[], stdin?: string): Promise<string> {
  const r = await run(cmd, args, stdin);
  if (r.code !== 0) throw new IpvsCommandError(`${cmd} ${args.join(' ')}`, r.code, r.stderr);
  return r.stdout;
}
