#!/usr/bin/env node
// npm run bench:doctor — the trace doctor's throughput cost on a local traced HTTP server
// (bench/doctor/server.mjs, 127.0.0.1 only). Three servers, measured in alternating rounds with the
// same bounded load loop (a fixed number of keep-alive requests at a fixed concurrency):
//   baseline  the app registers the real SDK itself, no doctor
//   observed  the same app under the doctor (node --import dist/doctor/register.js): the doctor
//             observes the app's own provider
//   fallback  the app uses only @opentelemetry/api, the doctor provides the SDK
// Merges `doctorHttp` into bench/results.json and re-renders docs/benchmarks.md.
//   node bench/doctor-http.mjs [--rounds N] [--requests N] [--concurrency N] [--compare <register.js>]
// --compare adds a fourth server, the same app observed by another build of the doctor (e.g. a copy
// of dist/ from an earlier commit), measured in the same rounds: a before/after comparison under the
// same load. With --compare, nothing is written (the result is printed).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchmarksDoc } from './render.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = arg('--rounds', 7);
const REQUESTS = arg('--requests', 4000);
const CONCURRENCY = arg('--concurrency', 16);
const compareIndex = args.indexOf('--compare');
const COMPARE = compareIndex >= 0 ? args[compareIndex + 1] : undefined;
const log = (...m) => console.error('[bench:doctor]', ...m);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n, digits = 3) => Number(n.toFixed(digits));

const register = pathToFileURL(join(ROOT, 'dist', 'doctor', 'register.js')).href;
if (!existsSync(fileURLToPath(register))) throw new Error('dist/doctor/register.js is missing: run npm run build first');
const reportDir = mkdtempSync(join(os.tmpdir(), 'doctor-bench-'));

const SETUPS = {
  baseline: { env: { BENCH_REGISTER: '1' }, execArgv: [] },
  observed: { env: { BENCH_REGISTER: '1' }, execArgv: [`--import=${register}`] },
  fallback: { env: {}, execArgv: [`--import=${register}`] },
};
if (COMPARE !== undefined) {
  if (!existsSync(COMPARE)) throw new Error(`--compare: ${COMPARE} does not exist`);
  SETUPS.compare = { env: { BENCH_REGISTER: '1' }, execArgv: [`--import=${pathToFileURL(COMPARE).href}`] };
}

function startServer(name) {
  const setup = SETUPS[name];
  const child = spawn(process.execPath, [...setup.execArgv, join(ROOT, 'bench', 'doctor', 'server.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...setup.env, OTEL_CONTEXT_DOCTOR_REPORT: join(reportDir, `${name}.json`) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve({ child, port: JSON.parse(line).port });
    });
    child.on('exit', (code) => reject(new Error(`${name} server exited with ${code}`)));
  });
}

function stopServer({ child }) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The bounded load loop: REQUESTS keep-alive GETs, CONCURRENCY at a time; returns requests/second. */
async function load(port, requests) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const get = (i) =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: `/users/${i}`, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (next < requests) await get(next++);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - start;
  agent.destroy();
  return (requests / ms) * 1000;
}

/** The server's own CPU time so far (user + system, microseconds). */
function cpuMicros(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/__cpu' }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body).cpuMicros));
      })
      .on('error', reject);
  });
}

const names = Object.keys(SETUPS);
const rps = Object.fromEntries(names.map((n) => [n, []]));
// CPU time the server spent per request: less sensitive than throughput to other work on the machine
const cpu = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  // alternate the order every round so that drift on this shared machine falls on every setup
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const server = await startServer(name);
    await load(server.port, Math.min(500, REQUESTS)); // warm-up (JIT, sockets)
    const cpuBefore = await cpuMicros(server.port);
    const value = await load(server.port, REQUESTS);
    const cpuPerRequest = ((await cpuMicros(server.port)) - cpuBefore) / REQUESTS;
    await stopServer(server);
    rps[name].push(value);
    cpu[name].push(cpuPerRequest);
    log(`round ${r + 1}/${ROUNDS} ${name}: ${Math.round(value)} req/s, ${Math.round(cpuPerRequest)} µs CPU per request`);
  }
}

const findings = Object.fromEntries(
  names
    .filter((n) => n !== 'baseline')
    .map((n) => {
      const file = join(reportDir, `${n}.json`);
      return [n, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).findings.length : null];
    }),
);
rmSync(reportDir, { recursive: true, force: true });

// ratio per round (same round, adjacent runs), then the median of those ratios
const ratio = (name) => round(median(rps[name].map((v, i) => rps.baseline[i] / v)));
const result = {
  node: process.version,
  cpus: os.cpus().length,
  date: new Date().toISOString().slice(0, 10),
  rounds: ROUNDS,
  requests: REQUESTS,
  concurrency: CONCURRENCY,
  rps: Object.fromEntries(names.map((n) => [n, Math.round(median(rps[n]))])),
  slowdownObserved: ratio('observed'),
  slowdownFallback: ratio('fallback'),
  ...(COMPARE === undefined ? {} : { slowdownCompare: ratio('compare'), compare: COMPARE }),
  // the server's CPU time per request (µs, median) and its slowdown: the median of the per-round ratios
  cpuMicrosPerRequest: Object.fromEntries(names.map((n) => [n, round(median(cpu[n]), 1)])),
  cpuRatio: Object.fromEntries(names.filter((n) => n !== 'baseline').map((n) => [n, round(median(cpu[n].map((v, i) => v / cpu.baseline[i])))])),
  cpuPerRound: Object.fromEntries(names.filter((n) => n !== 'baseline').map((n) => [n, cpu[n].map((v, i) => round(v / cpu.baseline[i], 2))])),
  // the spread of the per-round throughput ratios
  perRound: Object.fromEntries(names.filter((n) => n !== 'baseline').map((n) => [n, rps[n].map((v, i) => round(rps.baseline[i] / v, 2))])),
  loadAverage: os.loadavg().map((l) => round(l, 1)),
  findings,
  command: 'npm run bench:doctor',
};
log(JSON.stringify(result));
if (COMPARE !== undefined) process.exit(0);

const resultsPath = join(ROOT, 'bench', 'results.json');
const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
results.doctorHttp = result;
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeBenchmarksDoc(results);
log('wrote doctorHttp into bench/results.json and docs/benchmarks.md');
