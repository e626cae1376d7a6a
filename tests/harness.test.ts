import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEnded,
  assertEndedBeforeParent,
  assertNoOrphans,
  assertNoUnhandledRejections,
  assertNotTimedOut,
  assertParent,
  assertRoot,
  assertSingleTrace,
  captureTrace,
  captureTraceIsolated,
  checkExpectations,
  findSpans,
  MissingPeerError,
  renderWaterfall,
  runFixture,
  ScenarioError,
  TraceAssertionError,
} from '../harness/index.js';
import type { CapturedSpan, CapturedTrace, ContextManagerName } from '../harness/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(ROOT, '.tmp', 'harness-tests');

// Module-level, fetched before the first capture registers the provider (the way users write it).
const tracer = trace.getTracer('harness-test');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** startActiveSpan('GET /users') schedules 'db.query' with setTimeout (optionally bound). */
function timerScenario(bind: boolean): () => Promise<void> {
  return async () => {
    tracer.startActiveSpan('GET /users', (span) => {
      try {
        const query = (): void => tracer.startSpan('db.query').end();
        setTimeout(bind ? context.bind(context.active(), query) : query, 0);
      } finally {
        span.end();
      }
    });
    await sleep(10);
  };
}

const byName = (t: CapturedTrace, name: string): CapturedSpan => {
  const span = [...t.spans, ...t.unfinished].find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}\n${renderWaterfall(t)}`);
  return span;
};

/** Whether a span started between captures is recording (it should not be). */
function recordsOutsideCaptures(): boolean {
  const span = tracer.startSpan('outside');
  try {
    return span.isRecording();
  } finally {
    span.end();
  }
}

const isLinked = (t: CapturedTrace): boolean => byName(t, 'db.query').parentSpanId === byName(t, 'GET /users').spanId;

describe('captureTrace (in process)', () => {
  it('records spans of a module-level tracer fetched before the first capture', async () => {
    const t = await captureTrace(() => tracer.startSpan('first').end(), { contextManager: 'async-local-storage' });
    expect(t.spans.map((s) => s.name)).toEqual(['first']);
    expect(t.spans[0]).toMatchObject({ kind: 'INTERNAL', status: { code: 'UNSET' }, startOrder: 0, endOrder: 1 });
    expect(t.contextManager).toBe('async-local-storage');
    expect(t.timedOut).toBe(false);
  });

  it("under 'stack', a setTimeout inside startActiveSpan gives a second root", async () => {
    const t = await captureTrace(timerScenario(false), { contextManager: 'stack' });
    expect(t.roots.map((s) => s.name)).toEqual(['GET /users', 'db.query']);
    expect(byName(t, 'db.query').parentSpanId).toBeUndefined();
    assertRoot(t, 'db.query');
    expect(() => assertParent(t, 'db.query', 'GET /users')).toThrow(/"db\.query" is the root of its own trace/);
    expect(() => assertSingleTrace(t)).toThrow(/found 2 root spans/);
  });

  it("under 'stack', context.bind(context.active(), cb) links the child", async () => {
    const t = await captureTrace(timerScenario(true), { contextManager: 'stack' });
    assertParent(t, 'db.query', 'GET /users');
    assertSingleTrace(t);
    expect(byName(t, 'db.query').traceId).toBe(byName(t, 'GET /users').traceId);
  });

  it("under 'async-local-storage', the plain setTimeout is linked", async () => {
    const t = await captureTrace(timerScenario(false), { contextManager: 'async-local-storage' });
    assertParent(t, 'db.query', 'GET /users');
    assertSingleTrace(t);
  });

  it('runs captures under different managers one after another', async () => {
    const runs: Array<[ContextManagerName, boolean]> = [
      ['stack', false],
      ['async-local-storage', true],
      ['async-hooks', true],
      ['stack', false],
      ['async-local-storage', true],
    ];
    const observed: Array<[ContextManagerName, boolean]> = [];
    for (const [manager] of runs) {
      const t = await captureTrace(timerScenario(false), { contextManager: manager });
      expect(t.spans).toHaveLength(2); // nothing left over from the previous capture
      observed.push([manager, isLinked(t)]);
    }
    expect(observed).toEqual(runs);
  });

  it('restores the previous context manager and propagator', async () => {
    const key = createContextKey('user-value');
    const readAfterTimer = (): Promise<unknown> =>
      new Promise((resolve) => context.with(ROOT_CONTEXT.setValue(key, 42), () => setTimeout(() => resolve(context.active().getValue(key)), 0)));
    expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(true);
    try {
      let fieldsDuring: string[] = [];
      await captureTrace(() => {
        fieldsDuring = propagation.fields();
      }, { contextManager: 'stack' });
      expect(fieldsDuring).toEqual(expect.arrayContaining(['traceparent', 'baggage']));
      expect(propagation.fields()).toEqual([]); // no propagator was registered before
      expect(await readAfterTimer()).toBe(42); // the user's ALS manager is back (stack would lose it)
    } finally {
      context.disable();
    }
    expect(await readAfterTimer()).toBeUndefined();
  });

  it('orders ends by endOrder and keeps unfinished spans apart', async () => {
    const t = await captureTrace(async () => {
      tracer.startActiveSpan('parent', (parent) => {
        try {
          tracer.startSpan('inner').end();
          setTimeout(() => tracer.startSpan('late').end(), 1); // fire-and-forget: ends after parent
          tracer.startSpan('left-open');
        } finally {
          parent.end();
        }
      });
      await sleep(10);
    }, { contextManager: 'async-local-storage' });
    assertEndedBeforeParent(t, 'inner');
    expect(() => assertEndedBeforeParent(t, 'late')).toThrow(/"late" ended after its parent "parent"/);
    expect(t.unfinished.map((s) => s.name)).toEqual(['left-open']);
    expect(t.spans.map((s) => s.name)).not.toContain('left-open');
    expect(byName(t, 'left-open').endOrder).toBeUndefined();
    expect(renderWaterfall(t)).toMatch(/left-open .*unfinished/);
  });

  it('records only spans started during the capture', async () => {
    let leaked: ReturnType<typeof tracer.startSpan> | undefined;
    const first = await captureTrace(() => {
      leaked = tracer.startSpan('leaked');
    }, { contextManager: 'async-local-storage', settleMs: 5 });
    expect(first.unfinished.map((s) => s.name)).toEqual(['leaked']);
    expect(recordsOutsideCaptures()).toBe(false);
    const second = await captureTrace(() => {
      leaked?.end();
      tracer.startSpan('inside').end();
    }, { contextManager: 'async-local-storage', settleMs: 5 });
    expect([...second.spans, ...second.unfinished].map((s) => s.name)).toEqual(['inside']);
  });

  it('reports timedOut instead of hanging on a recurring interval', async () => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const started = Date.now();
    const t = await captureTrace(() => {
      interval = setInterval(() => tracer.startSpan('tick').end(), 5);
    }, { contextManager: 'async-local-storage', settleMs: 30, timeoutMs: 200 });
    clearInterval(interval);
    expect(t.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(t.spans.filter((s) => s.name === 'tick').length).toBeGreaterThan(3);
    expect(renderWaterfall(t)).toContain('timed out');
  });

  it('records unhandled rejections and restores the process listeners', async () => {
    const listenersBefore = process.listeners('unhandledRejection');
    const t = await captureTrace(async () => {
      tracer.startActiveSpan('job', (span) => {
        try {
          void Promise.reject(new Error('boom'));
        } finally {
          span.end();
        }
      });
    }, { contextManager: 'async-local-storage' });
    expect(t.unhandledRejections).toEqual(['Error: boom']);
    expect(() => assertNoUnhandledRejections(t)).toThrow(/unhandled rejection during the capture: Error: boom/);
    expect(process.listeners('unhandledRejection')).toEqual(listenersBefore);
    expect(checkExpectations(t, [{ noUnhandledRejections: true }]).ok).toBe(false);
  });

  it('throws a ScenarioError carrying the trace when the scenario throws', async () => {
    const error = await captureTrace(() => {
      tracer.startSpan('before-throw').end();
      throw new Error('scenario failed');
    }, { contextManager: 'stack' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toContain('scenario failed');
    expect((error as ScenarioError).trace.spans.map((s) => s.name)).toEqual(['before-throw']);
  });

  it('refuses overlapping captures', async () => {
    const first = captureTrace(() => sleep(20), { contextManager: 'async-local-storage', settleMs: 5 });
    await sleep(5); // let the first capture install itself
    await expect(captureTrace(() => {}, { contextManager: 'stack' })).rejects.toThrow(/another capture is running/);
    await expect(first).resolves.toMatchObject({ timedOut: false });
  });

  it('refuses to run beside a foreign tracer provider', () => {
    const script = `
      import { trace } from '@opentelemetry/api';
      import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
      trace.setGlobalTracerProvider(new BasicTracerProvider());
      const { captureTrace } = await import('./dist/harness/index.js');
      try { await captureTrace(() => {}, { contextManager: 'stack' }); console.log('no error'); }
      catch (e) { console.log(e.message); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/a tracer provider \(BasicTracerProvider\) is already registered globally/);
  });
});

describe('captureTrace waits for the work, not for silence', () => {
  it('captures a span started 150 ms after the scenario returned (the default settle is far shorter)', async () => {
    const t = await captureTrace(() => {
      tracer.startActiveSpan('GET /slow', (span) => {
        setTimeout(() => {
          tracer.startSpan('db.query').end();
          span.end();
        }, 150);
      });
    });
    expect(t.timedOut).toBe(false);
    assertParent(t, 'db.query', 'GET /slow');
    assertSingleTrace(t);
    expect(t.scenarioEndOrder).toBe(1); // the scenario returned after one start; the rest was late
  });

  it('follows chains of timers, immediates and I/O the scenario started', async () => {
    const t = await captureTrace(() => {
      setTimeout(() => {
        setImmediate(() => {
          void import('node:fs/promises').then((fs) =>
            fs.readFile(fileURLToPath(import.meta.url)).then(() => setTimeout(() => tracer.startSpan('after-io').end(), 80)),
          );
        });
      }, 40);
    });
    expect(t.timedOut).toBe(false);
    expect(t.spans.map((s) => s.name)).toEqual(['after-io']);
  });

  it('ends a recurring interval as timedOut, naming what was pending, and every assertion fails on it', async () => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const t = await captureTrace(() => {
      tracer.startActiveSpan('poller', (span) => {
        // eslint-disable-next-line otel-context/no-unbound-timer -- deliberately joins the trace forever
        interval = setInterval(() => tracer.startSpan('tick').end(), 20);
        span.end();
      });
    }, { timeoutMs: 300 });
    clearInterval(interval);
    expect(t.timedOut).toBe(true);
    // the interval; a timer the SDK starts from inside a tick may still be pending too ('Timeout x2')
    expect(t.pendingAtTimeout).toHaveLength(1);
    expect(t.pendingAtTimeout?.[0]).toMatch(/^Timeout( x\d+)?$/);
    const timedOut = /the capture timed out before the scenario's work finished \(still pending: Timeout( x\d+)?\)/;
    expect(() => assertParent(t, { name: 'tick', nth: 1 }, 'poller')).toThrow(timedOut);
    expect(() => assertRoot(t, 'poller')).toThrow(timedOut);
    expect(() => assertSingleTrace(t)).toThrow(timedOut);
    expect(() => assertNoOrphans(t)).toThrow(timedOut);
    expect(() => assertEnded(t, 'poller')).toThrow(timedOut);
    expect(() => assertEndedBeforeParent(t, { name: 'tick', nth: 1 })).toThrow(timedOut);
    expect(() => assertNoUnhandledRejections(t)).toThrow(timedOut);
    expect(() => assertNotTimedOut(t)).toThrow(timedOut);
    // unless told otherwise
    assertParent(t, { name: 'tick', nth: 1 }, 'poller', { allowTimedOut: true });
    assertSingleTrace(t, { allowTimedOut: true });
  });

  it("does not wait for an unref'd timer (it would not keep Node alive either)", async () => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const t = await captureTrace(() => {
      interval = setInterval(() => undefined, 10).unref();
    }, { timeoutMs: 2000 });
    clearInterval(interval);
    expect(t.timedOut).toBe(false);
  });

  it("does not count the caller's own timers", async () => {
    const outside = setTimeout(() => undefined, 10_000);
    try {
      const t = await captureTrace(() => tracer.startSpan('quick').end(), { timeoutMs: 2000 });
      expect(t.timedOut).toBe(false);
    } finally {
      clearTimeout(outside);
    }
  });

  it('captureTrace(fn) without options runs under async-local-storage', async () => {
    const t = await captureTrace(timerScenario(false));
    expect(t.contextManager).toBe('async-local-storage');
    assertParent(t, 'db.query', 'GET /users');
  });

  it('a wrong call is one clear line', async () => {
    await expect(captureTrace(undefined as unknown as () => void)).rejects.toThrow(/^captureTrace\(fn, options\): fn must be the scenario function to run, got undefined$/);
    await expect(captureTrace(() => undefined, { contextManager: 'als' as ContextManagerName })).rejects.toThrow(
      /^Unknown contextManager "als": pass one of 'async-local-storage', 'async-hooks', 'zone', 'stack'$/,
    );
  });
});

describe("captureTrace leaves the caller's context as it was", () => {
  it("keeps the caller's manager enabled and its active context, across captures under every manager", async () => {
    const key = createContextKey('caller-value');
    const callerManager = new AsyncLocalStorageContextManager().enable();
    expect(context.setGlobalContextManager(callerManager)).toBe(true);
    try {
      await context.with(ROOT_CONTEXT.setValue(key, 'mine'), async () => {
        for (const manager of ['stack', 'async-hooks', 'async-local-storage'] as const) {
          let seenInside: unknown = 'unset';
          await captureTrace(() => {
            seenInside = context.active().getValue(key);
          }, { contextManager: manager });
          expect(seenInside).toBeUndefined(); // the scenario starts from the capture's own root context
          expect(context.active().getValue(key)).toBe('mine');
          await sleep(1);
          expect(context.active().getValue(key)).toBe('mine'); // still carried across the caller's awaits
        }
      });
      const registered = (globalThis as Record<symbol, { context?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
      expect(registered?.context).toBe(callerManager);
    } finally {
      context.disable();
    }
  });
});

describe('assertions match parents by identity', () => {
  /** Two requests with the same name; the second request's db.query wrongly lands under the first. */
  async function twoRequests(): Promise<CapturedTrace> {
    return captureTrace(() => {
      const first = tracer.startSpan('GET /users');
      const second = tracer.startSpan('GET /users');
      const underFirst = trace.setSpan(context.active(), first);
      tracer.startSpan('db.query', undefined, underFirst).end();
      tracer.startSpan('db.query', undefined, underFirst).end(); // belongs to the second request
      second.end();
      first.end();
    });
  }

  it('a child under the wrong one of two same-named parents fails', async () => {
    const t = await twoRequests();
    assertParent(t, { name: 'db.query', nth: 1 }, { name: 'GET /users', nth: 1 });
    expect(() => assertParent(t, { name: 'db.query', nth: 2 }, { name: 'GET /users', nth: 2 })).toThrow(
      /"db\.query" #2 is a child of "GET \/users" #1, expected a child of "GET \/users" #2/,
    );
    expect(() => assertParent(t, 'db.query', 'GET /users')).toThrow(/"GET \/users" names 2 spans: pick the expected parent with \{ name, nth \}/);
    expect(() => assertParent(t, { name: 'db.query', nth: 3 }, { name: 'GET /users', nth: 1 })).toThrow(/no span "db\.query" #3: 2 spans of that name captured/);
    const [second] = findSpans(t, { name: 'GET /users', nth: 2 });
    expect(second?.name).toBe('GET /users');
    expect(() => assertParent(t, { name: 'db.query', nth: 2 }, second as CapturedSpan)).toThrow(/expected a child of "GET \/users"/);
    expect(checkExpectations(t, [{ span: { name: 'db.query', nth: 2 }, parent: { name: 'GET /users', nth: 1 } }]).ok).toBe(true);
    expect(checkExpectations(t, [{ span: { name: 'db.query', nth: 2 }, parent: { name: 'GET /users', nth: 2 } }]).ok).toBe(false);
  });

  it('a child of a never-ended parent, or of a missing local parent, is an orphan; a remote parent is fine', async () => {
    const t = await captureTrace(() => {
      const open = tracer.startSpan('request');
      tracer.startSpan('child', undefined, trace.setSpan(context.active(), open)).end();
    });
    expect(() => assertNoOrphans(t)).toThrow(/"child" is a child of "request", which was never ended/);
    expect(() => assertSingleTrace(t)).toThrow(/which was never ended/);

    const missing = await captureTrace(() => {
      const ghost = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
      tracer.startSpan('lost', undefined, trace.setSpan(context.active(), ghost)).end();
    });
    expect(() => assertNoOrphans(missing)).toThrow(/"lost" is an orphan: its parent span 2222222222222222 is not in the capture/);
    expect(() => assertRoot(missing, 'lost')).toThrow(/"lost" is an orphan \(its parent span was not captured\), expected a root span/);
    expect(() => assertSingleTrace(missing)).toThrow(/is an orphan/);

    const remote = await captureTrace(() => {
      const carrier = { traceparent: `00-${'3'.repeat(32)}-${'4'.repeat(16)}-01` };
      const extracted = propagation.extract(ROOT_CONTEXT, carrier);
      tracer.startSpan('consume', undefined, extracted).end();
    });
    expect(findSpans(remote, 'consume')[0]?.parentIsRemote).toBe(true);
    assertNoOrphans(remote);
    assertSingleTrace(remote);
    expect(() => assertRoot(remote, 'consume')).toThrow(/is a child of a remote parent \(from a carrier\), expected a root span/);
  });
});

/** A throwaway project whose node_modules holds a copy of this package (dist) and only some peers. */
function projectWithPeers(peers: readonly string[]): string {
  const project = mkdtempSync(join(tmpdir(), 'otel-context-peers-'));
  const pkg = join(project, 'node_modules', 'eslint-plugin-otel-context');
  mkdirSync(join(project, 'node_modules', '@opentelemetry'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  for (const peer of peers) symlinkSync(join(ROOT, 'node_modules', peer), join(project, 'node_modules', peer), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module', private: true }));
  return project;
}

describe('the testing helper from a user project (dist, through the package export)', () => {
  const projects: string[] = [];
  afterAll(() => {
    for (const project of projects) rmSync(project, { recursive: true, force: true });
  });

  it('a missing peer is one line naming the package to install', () => {
    const project = projectWithPeers(['@opentelemetry/api', '@opentelemetry/sdk-trace-base', '@opentelemetry/context-async-hooks']);
    projects.push(project);
    const script = (manager: string): string => `
      import { captureTrace } from 'eslint-plugin-otel-context/testing';
      try { await captureTrace(() => {}${manager ? `, { contextManager: '${manager}' }` : ''}); console.log('no error'); }
      catch (e) { console.log(e.name + '|' + e.message); }`;
    const run = (manager: string): string => execFileSync(process.execPath, ['--input-type=module', '-e', script(manager)], { cwd: project, encoding: 'utf8' });
    expect(run('')).toBe(
      'MissingPeerError|captureTrace (the W3C propagator) needs @opentelemetry/core, which is not installed: npm install --save-dev @opentelemetry/core\n',
    );
    expect(run('stack')).toBe(
      "MissingPeerError|a 'stack' capture (StackContextManager) needs @opentelemetry/sdk-trace-web, which is not installed: npm install --save-dev @opentelemetry/sdk-trace-web\n",
    );
    expect(MissingPeerError.name).toBe('MissingPeerError');
  });

  it("a user's ESM test file (node:test): late span captured, never-ended parent fails, caller's context kept", () => {
    const project = mkdtempSync(join(tmpdir(), 'otel-context-user-test-'));
    projects.push(project);
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'eslint-plugin-otel-context'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', '@opentelemetry'), join(project, 'node_modules', '@opentelemetry'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module', private: true }));
    writeFileSync(
      join(project, 'trace.test.mjs'),
      `import test from 'node:test';
import assert from 'node:assert/strict';
import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { assertNoOrphans, assertParent, assertSingleTrace, captureTrace, TraceAssertionError } from 'eslint-plugin-otel-context/testing';

const tracer = trace.getTracer('user-app');

test('a span started 150 ms after the scenario returns is captured', async () => {
  const captured = await captureTrace(() => {
    tracer.startActiveSpan('GET /report', (span) => {
      setTimeout(() => { tracer.startSpan('report.render').end(); span.end(); }, 150);
    });
  });
  assertParent(captured, 'report.render', 'GET /report');
  assertSingleTrace(captured);
});

test('a child of a never-ended parent fails an assertion', async () => {
  const captured = await captureTrace(() => {
    tracer.startActiveSpan('GET /leak', () => { tracer.startSpan('db.query').end(); });
  });
  assert.throws(() => assertNoOrphans(captured), (e) => e instanceof TraceAssertionError && /"db.query" is a child of "GET \\/leak", which was never ended/.test(e.message));
  assert.throws(() => assertSingleTrace(captured), TraceAssertionError);
});

test("the caller's active context survives captureTrace", async () => {
  const key = createContextKey('tenant');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await context.with(ROOT_CONTEXT.setValue(key, 'acme'), async () => {
    await captureTrace(() => tracer.startSpan('inside').end(), { contextManager: 'stack' });
    assert.equal(context.active().getValue(key), 'acme');
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(context.active().getValue(key), 'acme');
  });
});
`,
    );
    const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'trace.test.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout, result.stderr).toMatch(/# pass 3\n# fail 0/);
    expect(result.status).toBe(0);
  });
});

/** A hand-made trace: GET /users → db.query, plus an orphan and an unfinished span. */
function syntheticTrace(): CapturedTrace {
  const span = (name: string, id: string, start: number, end: number | undefined, order: [number, number?], parent?: string): CapturedSpan => ({
    name,
    traceId: parent === 'ffff' || parent === undefined ? `t-${id}` : 't-a',
    spanId: id,
    ...(parent ? { parentSpanId: parent } : {}),
    kind: 'INTERNAL',
    attributes: {},
    status: { code: name === 'db.query' ? 'ERROR' : 'UNSET' },
    events: [],
    links: [],
    startTime: 1_700_000_000_000 + start,
    ...(end === undefined ? {} : { endTime: 1_700_000_000_000 + end, duration: end - start, endOrder: order[1] }),
    startOrder: order[0],
  });
  const root = { ...span('GET /users', 'a', 0, 20, [0, 5]), traceId: 't-a' };
  const query = span('db.query', 'b', 5, 15, [1, 3], 'a');
  const cache = span('cache.get', 'c', 6, undefined, [2], 'a');
  const poll = span('poll', 'd', 30, 40, [4, 6], 'ffff');
  return { spans: [root, query, poll], unfinished: [cache], roots: [root, poll], unhandledRejections: [], timedOut: false, contextManager: 'stack' };
}

describe('renderWaterfall', () => {
  it('renders one indented tree per root with offsets and bars (deterministic)', () => {
    expect(renderWaterfall(syntheticTrace(), { barWidth: 20 })).toBe(
      [
        'captured under stack: 3 finished spans, 1 unfinished',
        'trace 1 (root: GET /users)',
        '  GET /users    +0.0ms  |██████████          |  20.0ms',
        '    db.query    +5.0ms  |   █████            |  10.0ms  ERROR',
        '    cache.get   +6.0ms  |   ░░░░░░░░░░░░░░░░░|  unfinished',
        'trace 2 (orphan: poll; its parent span is not in the capture)',
        '  poll         +30.0ms  |               █████|  10.0ms',
      ].join('\n'),
    );
  });

  it('indents children of a real capture and separates other roots', async () => {
    const linked = renderWaterfall(await captureTrace(timerScenario(true), { contextManager: 'stack' }));
    expect(linked).toMatch(/^trace 1 \(root: GET \/users\)$/m);
    expect(linked).toMatch(/^ {2}GET \/users +\+/m);
    expect(linked).toMatch(/^ {4}db\.query +\+/m);
    expect(linked).not.toMatch(/\d{10,}/); // no absolute timestamps
    const split = renderWaterfall(await captureTrace(timerScenario(false), { contextManager: 'stack' }));
    expect(split).toMatch(/^trace 2 \(root: db\.query\)\n {2}db\.query +\+/m);
  });
});

describe('assertions', () => {
  const good = syntheticTrace();

  it('pass on a good trace', () => {
    expect(() => assertParent(good, 'db.query', 'GET /users')).not.toThrow();
    expect(() => assertRoot(good, 'GET /users')).not.toThrow();
    expect(() => assertEndedBeforeParent(good, 'db.query')).not.toThrow();
    expect(() => assertNoUnhandledRejections(good)).not.toThrow();
    const single = { ...good, spans: good.spans.slice(0, 2), unfinished: [], roots: good.roots.slice(0, 1) };
    expect(() => assertSingleTrace(single)).not.toThrow();
  });

  it('throw with the waterfall on a broken trace', () => {
    const error = (() => {
      try {
        assertParent(good, 'poll', 'GET /users');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TraceAssertionError);
    const message = (error as Error).message;
    expect(message).toContain('"poll" is an orphan (its parent span was not captured), expected a child of "GET /users"');
    expect(message).toContain('trace 2 (orphan: poll; its parent span is not in the capture)');
    expect(() => assertRoot(good, 'db.query')).toThrow(/"db\.query" is a child of "GET \/users", expected a root span/);
    expect(() => assertSingleTrace(good)).toThrow(/found 2 root spans: "GET \/users", "poll" \(orphan\)/);
    expect(() => assertEndedBeforeParent(good, 'cache.get')).toThrow(/"cache\.get" was never ended/);
    expect(() => assertNoUnhandledRejections({ ...good, unhandledRejections: ['Error: x'] })).toThrow(/Error: x/);
    expect(() => assertParent(good, 'nope', 'GET /users')).toThrow(/no span named "nope" was captured/);
  });

  it('checkExpectations evaluates every expectation kind', () => {
    expect(
      checkExpectations(good, [
        { span: 'db.query', parent: 'GET /users' },
        { span: 'GET /users', root: true },
        { span: 'db.query', endsBefore: 'GET /users' },
        { span: 'db.query', ended: true },
        { span: 'cache.get', ended: false },
        { span: 'db.query', status: 'ERROR' },
        { span: 'GET /users', status: 'UNSET' },
        { noUnhandledRejections: true },
      ]),
    ).toEqual({ ok: true, failures: [] });
    expect(
      checkExpectations(good, [
        { span: 'poll', parent: 'GET /users' },
        { span: 'db.query', root: true },
        { span: 'GET /users', endsBefore: 'db.query' },
        { span: 'cache.get', ended: true },
        { span: 'GET /users', status: 'OK' },
        { span: 'missing', parent: 'GET /users' },
      ]),
    ).toEqual({
      ok: false,
      failures: [
        '"poll" is an orphan (its parent span was not captured), expected a child of "GET /users"',
        '"db.query" is a child of "GET /users", expected a root span',
        '"GET /users" ended after "db.query", expected it to end before',
        '"cache.get" was never ended',
        '"GET /users" has status UNSET, expected OK',
        'no span named "missing" was captured',
      ],
    });
  });
});

describe('captureTraceIsolated (fresh process)', () => {
  const listenerModule = join(WORK, 'listener-5a.mjs');

  beforeAll(() => {
    mkdirSync(WORK, { recursive: true });
    // Scenario 5a: listener registered in context A, event emitted in context B.
    writeFileSync(
      listenerModule,
      `import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('listener-5a');
export async function scenario() {
  const ee = new EventEmitter();
  const a = tracer.startSpan('A');
  const b = tracer.startSpan('B');
  context.with(trace.setSpan(context.active(), a), () => ee.on('evt', () => tracer.startSpan('listener').end()));
  context.with(trace.setSpan(context.active(), b), () => ee.emit('evt'));
  a.end();
  b.end();
}
export function missingSpanEnd() {
  tracer.startSpan('open');
  return Promise.reject(new Error('scenario rejected'));
}
`,
    );
  });

  it("under 'zone', an EventEmitter listener runs in its registration context (5a)", async () => {
    const t = await captureTraceIsolated(listenerModule, { contextManager: 'zone' });
    expect(t.contextManager).toBe('zone');
    assertParent(t, 'listener', 'A');
    expect(typeof (globalThis as { Zone?: unknown }).Zone).toBe('undefined'); // the test process stays unpatched
  });

  it("under 'async-local-storage', the same listener runs in the emit context (5a)", async () => {
    const t = await captureTraceIsolated(listenerModule, { contextManager: 'async-local-storage' });
    assertParent(t, 'listener', 'B');
  });

  it('rejects with a ScenarioError carrying the child trace', async () => {
    const error = await captureTraceIsolated(listenerModule, { contextManager: 'stack', exportName: 'missingSpanEnd' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toContain('scenario rejected');
    expect((error as ScenarioError).trace.unfinished.map((s) => s.name)).toEqual(['open']);
    await expect(captureTraceIsolated(listenerModule, { contextManager: 'stack', exportName: 'nope' })).rejects.toThrow(
      /has no exported function 'nope'/,
    );
  });

  it('runFixture transpiles TypeScript to ES2022 (native await loses the zone)', async () => {
    const code = `import { context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
const tracer = trace.getTracer('await-fixture');
export async function scenario(): Promise<void> {
  await tracer.startActiveSpan('request', async (span: Span) => {
    tracer.startSpan('before-await').end();
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
    tracer.startSpan('after-await').end();
    span.end();
  });
  void context;
}
`;
    const source = { code, filename: join(WORK, 'await.ts') };
    const zone = await runFixture(source, { contextManager: 'zone' });
    expect(checkExpectations(zone, [{ span: 'before-await', parent: 'request' }]).ok).toBe(true);
    expect(checkExpectations(zone, [{ span: 'after-await', root: true }]).ok).toBe(true);
    const als = await runFixture(source, { contextManager: 'async-local-storage' });
    expect(checkExpectations(als, [{ span: 'after-await', parent: 'request' }])).toEqual({ ok: true, failures: [] });
  });

  it('runFixture runs CommonJS sources as CommonJS', async () => {
    const code = `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('cjs-fixture');
async function scenario() {
  tracer.startActiveSpan('outer', (span) => { tracer.startSpan('inner').end(); span.end(); });
}
module.exports = { scenario };
`;
    const t = await runFixture({ code, filename: join(WORK, 'legacy.cjs') }, { contextManager: 'stack' });
    assertParent(t, 'inner', 'outer');
    assertSingleTrace(t);
  });
});
