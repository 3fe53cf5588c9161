// Public surface of the VRRP runtime (what the daemon's VRRP child wires):
//   new VrrpEngine(config: EngineConfig, deps: EngineDeps)
//     start(): Promise<void>; stop({ keepVips? }): Promise<void>; reload(config): Promise<void>
//     setScriptResult(name, ok): void; status(): EngineStatus; counters(): EngineCounters
//   selectEngineIo(onError) → EngineIo { transport, addresses, announce, link, prepare, close }
//   NotifySink (implement it for notify_fifo / script_user / timeouts; SpawnNotifySink is the minimal default)
//   TrackScriptRunner (runs vrrp_script commands and feeds setScriptResult)
export * from './engine.js';
export * from './engine-spec.js';
export * from './ports.js';
export * from './notify-sink.js';
export * from './io-selection.js';
export * from './track-script-runner.js';
export { DeadlineScheduler } from './deadline-scheduler.js';
