// Starts the Azurite emulator installed in ./node_modules, bound to loopback.
//
//   node start.mjs [--parent-pid PID] [any azurite option...]
//
// Defaults: loopback, ports 10000-10002, data under ./data, no telemetry. Options given on the command
// line are passed through and take precedence. SIGINT, SIGTERM and SIGHUP stop Azurite in an orderly way
// (it writes its data files first).
//
// --parent-pid PID says that Azurite belongs to that process (the server starts it so), which decides when
// it stops:
// - Azurite runs in a session of its own, and this script ignores SIGINT and SIGQUIT: a Ctrl+C in the
//   terminal goes to every process of its foreground group, and would otherwise stop Azurite while the
//   server still needs it for its own orderly shutdown.
// - Closing this script's standard input stops Azurite (SIGTERM still does too), and so does that process
//   being gone (checked every second; its standard input also closes then): a server that was killed
//   without warning does not leave an orphan behind.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

let parentPid = 0;
const pidAt = args.indexOf('--parent-pid');
if (pidAt >= 0) {
  parentPid = Number(args[pidAt + 1]);
  args.splice(pidAt, 2);
}

const has = (name) => args.includes(name);
const defaults = [
  ['--blobHost', '127.0.0.1'], ['--blobPort', '10000'],
  ['--queueHost', '127.0.0.1'], ['--queuePort', '10001'],
  ['--tableHost', '127.0.0.1'], ['--tablePort', '10002'],
];
for (const [name, value] of defaults) if (!has(name)) args.push(name, value);
if (!has('--location') && !has('--inMemoryPersistence')) args.push('--location', path.join(here, 'data'));
for (const flag of ['--skipApiVersionCheck', '--loose', '--disableTelemetry']) if (!has(flag)) args.push(flag);

const owned = parentPid > 0;
const azurite = path.join(here, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
const child = spawn(process.execPath, [azurite, ...args], {
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: owned,
  windowsHide: true,
});

const stop = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); };
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

if (owned) {
  const ignored = process.platform === 'win32' ? ['SIGINT'] : ['SIGINT', 'SIGQUIT'];
  for (const signal of ignored) process.on(signal, () => {});
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  setInterval(() => {
    try { process.kill(parentPid, 0); } catch { stop(); }
  }, 1000).unref();
} else {
  process.on('SIGINT', stop);
}
