/**
 * "One defect, one finding": core/analysis/bindable-callbacks.ts answers which binding rule owns a
 * callback from the records the binding detectors report, and the shared callback predicates decide what is
 * worth binding at all. RuleTester would hide these decisions behind reports of other rules.
 */
import tsParser from '@typescript-eslint/parser';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { isFunctionLike } from '../../core/analysis/ast.js';
import { getBindableCallbacks, getCallbackOwner } from '../../core/analysis/bindable-callbacks.js';
import type { BindingRuleName } from '../../core/analysis/bindable-callbacks.js';
import { isContextFreeCallback } from '../../core/analysis/callbacks.js';
import { useFileAnalysis } from '../../core/analysis/file-analysis.js';
import { getOtelApi } from '../../core/analysis/otel-api.js';
import type { ContextManagerName } from '../../core/settings.js';

type Probe = (context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>) => TSESLint.RuleListener;

/** Runs `probe` as a rule over `code` (ESLint's own traversal and scope manager). */
function run(code: string, contextManager: ContextManagerName, probe: Probe): void {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { probe: { rules: { probe: { meta: { schema: [] }, create: probe } } } },
        rules: { 'probe/probe': 'error' },
        settings: { 'otel-context': { contextManager } },
      },
    ] as unknown as Linter.Config[],
    'probe.ts',
  );
  expect(messages.filter((m) => m.fatal)).toEqual([]);
}

/** Owner of every function marked with a leading `/* name *\/` comment. */
function owners(code: string, contextManager: ContextManagerName): Record<string, BindingRuleName | undefined> {
  const result: Record<string, BindingRuleName | undefined> = {};
  run(code, contextManager, (context) => {
    const { analysis, listeners } = useFileAnalysis(context);
    const marked: [string, TSESTree.Node][] = [];
    const mark = (node: TSESTree.Node) => {
      const comment = context.sourceCode.getCommentsBefore(node).at(-1);
      if (comment && isFunctionLike(node)) marked.push([comment.value.trim(), node]);
    };
    return {
      ...listeners,
      ArrowFunctionExpression: mark,
      FunctionExpression: mark,
      'Program:exit'(node: TSESTree.Program) {
        listeners['Program:exit']?.(node);
        for (const [name, fn] of marked) if (isFunctionLike(fn)) result[name] = getCallbackOwner(analysis, fn);
      },
    };
  });
  return result;
}

const SOURCE = `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
const jobs: Array<() => void> = [];
setInterval(/* drainer */ () => { while (jobs.length) jobs.shift()?.(); }, 10);
trace.getTracer('a').startActiveSpan('job', /* traced */ (span) => {
  setTimeout(/* timer */ () => trace.getActiveSpan()?.end(), 1);
  bus.on('x', /* listener */ () => trace.getTracer('a').startSpan('x').end());
  jobs.push(/* queued */ () => trace.getTracer('a').startSpan('job').end());
  [1, 2].forEach(/* sync */ () => trace.getTracer('a').startSpan('n').end());
  span.end();
});
`;

describe('getCallbackOwner', () => {
  it('under async-local-storage: the listener and the queued callback are owned, the one-shot timer is not', () => {
    expect(owners(SOURCE, 'async-local-storage')).toEqual({
      drainer: undefined,
      traced: undefined,
      timer: undefined,
      listener: 'no-unbound-listener',
      queued: 'no-unbound-queued-callback',
      sync: undefined,
    });
  });
  it('under stack: the one-shot timer in traced code is owned by no-unbound-timer too', () => {
    expect(owners(SOURCE, 'stack')).toMatchObject({ timer: 'no-unbound-timer', listener: 'no-unbound-listener', queued: 'no-unbound-queued-callback' });
  });
  it('under zone: listeners run in their registration zone, so no rule owns them', () => {
    expect(owners(SOURCE, 'zone')).toMatchObject({ timer: undefined, listener: undefined, queued: 'no-unbound-queued-callback' });
  });
});

describe('getBindableCallbacks', () => {
  it('gives each reported callback once, as { callback, boundary, owner }, the boundary being the call that hands it over', () => {
    let records: { owner: string; callback: string; boundary: string }[] = [];
    run(SOURCE, 'stack', (context) => {
      const { analysis, listeners } = useFileAnalysis(context);
      return {
        ...listeners,
        'Program:exit'() {
          records = getBindableCallbacks(analysis).map((r) => ({
            owner: r.owner,
            callback: context.sourceCode.getText(r.callback).slice(0, 8),
            boundary: context.sourceCode.getText(r.boundary.callee),
          }));
        },
      };
    });
    expect(records).toEqual([
      { owner: 'no-unbound-timer', callback: '() => tr', boundary: 'setTimeout' },
      { owner: 'no-unbound-listener', callback: '() => tr', boundary: 'bus.on' },
      { owner: 'no-unbound-queued-callback', callback: '() => tr', boundary: 'jobs.push' },
    ]);
  });
  it("sees no-unbound-queued-callback's additionalQueueFunctions when that rule registered them for the file", () => {
    const code = `import { trace } from '@opentelemetry/api';
declare const limit: (fn: () => void) => void;
trace.getTracer('a').startActiveSpan('job', (span) => {
  limit(/* limited */ () => trace.getTracer('a').startSpan('x').end());
  span.end();
});`;
    const ownerWith = (queueFunctions: string[] | undefined) => {
      let owner: string | undefined = 'unset';
      run(code, 'async-local-storage', (context) => {
        const { analysis, listeners } = useFileAnalysis(context);
        if (queueFunctions) analysis.queueFunctions = queueFunctions;
        let fn: TSESTree.Node | undefined;
        return {
          ...listeners,
          ArrowFunctionExpression(node: TSESTree.ArrowFunctionExpression) {
            if (context.sourceCode.getCommentsBefore(node).at(-1)?.value.trim() === 'limited') fn = node;
          },
          'Program:exit'() {
            owner = fn && isFunctionLike(fn) ? getCallbackOwner(analysis, fn) : 'missing';
          },
        };
      });
      return owner;
    };
    expect(ownerWith(undefined)).toBeUndefined();
    expect(ownerWith(['limit'])).toBe('no-unbound-queued-callback');
  });
});

describe('isContextFreeCallback', () => {
  const cases: [string, string, boolean][] = [
    ['an executor resolver', `new Promise((resolve) => { target = resolve; });`, true],
    ['an arrow that only settles a promise', `new Promise((resolve) => { target = () => resolve(1); });`, true],
    ['a resolver from Promise.withResolvers()', `const { resolve } = Promise.withResolvers<void>(); target = resolve;`, true],
    ['a resolver assigned to an outer variable', `let done: () => void = () => {}; new Promise<void>((r) => { done = r; }); target = done;`, true],
    ['recording on a held span', `target = () => { span.setAttribute('k', 1); span.end(); };`, true],
    ['a timer cancellation', `target = () => clearTimeout(timer);`, true],
    ['a span start', `target = () => tracer.startSpan('x').end();`, false],
    ['an arbitrary call', `target = () => { flush(); };`, false],
    ['an await', `target = async () => { await next; };`, false],
    ['console, a global Error, listener removal', `target = () => { console.log('x'); reject(new Error('closed')); socket.off('x', f); };`, true],
    ['an Error class of this file is not the global one', `class Error {} target = () => { new Error(); };`, false],
    ['a console of this file is not the global one', `const console = { log: flush }; target = () => console.log('x');`, false],
  ];
  it.each(cases)('%s', (_name, body, expected) => {
    let result: boolean | undefined;
    run(`declare let target: unknown; declare const span: any, tracer: any, timer: any, next: any; declare function flush(): void; declare const socket: any, f: any; let reject: (e: Error) => void = () => {}; new Promise<void>((_, r) => { reject = r; });\n${body}`, 'async-local-storage', (context) => ({
      AssignmentExpression(node: TSESTree.AssignmentExpression) {
        if (node.left.type === 'Identifier' && node.left.name === 'target') result = isContextFreeCallback(context.sourceCode, getOtelApi(context), node.right);
      },
    }));
    expect(result).toBe(expected);
  });
});
