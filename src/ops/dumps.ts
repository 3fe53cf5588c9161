// The dump API the daemon wires to SIGUSR1 / SIGUSR2 / SIGJSON (one import for the signal handlers).
export { writeDump, writeDumpSync, renderDump, dumpPath, dumpDirectory, DumpWriteError, type DumpKind } from './dumps/write-dump.js';
export { DumpResponder, type DumpResponderOptions } from './dumps/dump-responder.js';
