import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ineffectiveOptions, parseDaemonArgs, parseListen, UsageError } from '../../../src/cli/flags.js';
import { signalNumber } from '../../../src/daemon/signal-names.js';

test('keepalived short options bundle and take values as getopt does', () => {
  const o = parseDaemonArgs(['-Pnl', '-D', '-fFILE', '-p', '/tmp/p', '-r/tmp/r']);
  assert.equal(o.vrrpOnly, true);
  assert.equal(o.dontFork, true);
  assert.equal(o.logConsole, true);
  assert.equal(o.logDetail, true);
  assert.equal(o.useFile, 'FILE');
  assert.equal(o.pidFile, '/tmp/p');
  assert.equal(o.vrrpPidFile, '/tmp/r');
});

test('long options with = and separate values; optional arguments only with =', () => {
  const o = parseDaemonArgs(['--use-file=/a.conf', '--vrrp_pid', '/x', '--config-test=/tmp/out', '--log-file']);
  assert.equal(o.useFile, '/a.conf');
  assert.equal(o.vrrpPidFile, '/x');
  assert.equal(o.configTest, '/tmp/out');
  assert.equal(o.logFile, '/tmp/keepalived.log');
  assert.equal(parseDaemonArgs(['-t']).configTest, true);
  assert.equal(parseDaemonArgs(['--check-config']).configTest, true);
  assert.equal(parseDaemonArgs([]).useFile, '/etc/keepalived/keepalived.conf');
});

test('unknown and malformed options are usage errors', () => {
  for (const argv of [['-Z'], ['--nope'], ['-f'], ['--use-file'], ['--vrrp=1'], ['stray'], ['-P', '-C'], ['-S', 'local9'], ['--ipvs-backend', 'xdp'], ['--metrics-listen', 'host:99999']]) {
    assert.throws(() => parseDaemonArgs(argv), UsageError, argv.join(' '));
  }
});

test('metrics listen: a bare port is loopback only', () => {
  assert.deepEqual(parseListen('9650'), { host: '127.0.0.1', port: 9650 });
  assert.deepEqual(parseListen('0.0.0.0:9650'), { host: '0.0.0.0', port: 9650 });
  assert.deepEqual(parseListen('[::1]:9650'), { host: '::1', port: 9650 });
});

test('--signum numbers are keepalived 2.2.7 on glibc', () => {
  assert.equal(signalNumber('RELOAD'), 1);
  assert.equal(signalNumber('STOP'), 15);
  assert.equal(signalNumber('DATA'), 10);
  assert.equal(signalNumber('STATS'), 12);
  assert.equal(signalNumber('JSON'), 36);
  assert.equal(signalNumber('STATS_CLEAR'), 63);
  assert.equal(signalNumber('reload'), undefined);
  assert.equal(signalNumber('toString'), undefined);
});

test('options accepted only for compatibility are reported as such', () => {
  assert.deepEqual(ineffectiveOptions(parseDaemonArgs(['-x', '-B', '-f', 'a.conf'])), ['--no_bfd', '--snmp']);
  assert.deepEqual(ineffectiveOptions(parseDaemonArgs(['-P', '-n'])), []);
});
