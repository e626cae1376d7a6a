import tsParser from '@typescript-eslint/parser';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { createBindingResolver } from '../../core/analysis/import-bindings.js';

/** Resolves the callee of every call in `code` and returns `calleeText → path`. */
function resolveCallees(code: string, apiModules: string[] = [], filename = 'file.ts'): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  const rule: TSESLint.RuleModule<string, []> = {
    defaultOptions: [],
    meta: { type: 'problem', schema: [], messages: {} },
    create(context) {
      const resolver = createBindingResolver(context.sourceCode, apiModules);
      return {
        CallExpression(node: TSESTree.CallExpression) {
          result[context.sourceCode.getText(node.callee)] = resolver.pathOf(node.callee);
        },
      };
    },
  };
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.{ts,js,cjs}'],
        languageOptions: { parser: tsParser },
        plugins: { test: { rules: { resolve: rule } } },
        rules: { 'test/resolve': 'error' },
      },
    ] as unknown as Linter.Config[],
    filename,
  );
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return result;
}

describe('createBindingResolver', () => {
  it('resolves ESM named, aliased, namespace and default imports of the API', () => {
    expect(
      resolveCallees(`
import { context, trace as t } from '@opentelemetry/api';
import * as api from '@opentelemetry/api';
import otel from '@opentelemetry/api';
context.active(); t.getActiveSpan(); api.context.with(a, b); otel.propagation.inject(c, d);`),
    ).toMatchObject({
      'context.active': '@opentelemetry/api:context.active',
      't.getActiveSpan': '@opentelemetry/api:trace.getActiveSpan',
      'api.context.with': '@opentelemetry/api:context.with',
      'otel.propagation.inject': '@opentelemetry/api:propagation.inject',
    });
  });

  it('resolves CommonJS require, destructuring with renames, and require(..).member', () => {
    expect(
      resolveCallees(
        `
const api = require('@opentelemetry/api');
const { context: ctxApi } = require('@opentelemetry/api');
const trace = require('@opentelemetry/api').trace;
api.context.bind(a, b); ctxApi.active(); trace.getTracer('x');`,
        [],
        'file.cjs',
      ),
    ).toMatchObject({
      'api.context.bind': '@opentelemetry/api:context.bind',
      'ctxApi.active': '@opentelemetry/api:context.active',
      'trace.getTracer': '@opentelemetry/api:trace.getTracer',
    });
  });

  it('resolves re-exports listed in apiModules', () => {
    expect(resolveCallees(`import { context } from '@acme/otel'; context.active();`, ['@acme/otel'])).toMatchObject({
      'context.active': '@opentelemetry/api:context.active',
    });
  });

  it('a local function or object named like the API is not the API', () => {
    const paths = resolveCallees(`
const context = { active: () => 1 };
function setTimeout(cb: () => void) { cb(); }
context.active(); setTimeout(() => 0);`);
    expect(paths['context.active']).toBeUndefined();
    expect(paths['setTimeout']).toBeUndefined();
  });

  it('resolves real globals, through globalThis/window, and node builtins with or without the node: prefix', () => {
    expect(
      resolveCallees(`
import { setImmediate as later } from 'timers';
import * as timers from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { nextTick } from 'node:process';
setTimeout(a); globalThis.setInterval(b); window.requestAnimationFrame(c); process.nextTick(d);
later(e); timers.setTimeout(f); sleep(1); nextTick(g);`),
    ).toMatchObject({
      setTimeout: 'global:setTimeout',
      'globalThis.setInterval': 'global:setInterval',
      'window.requestAnimationFrame': 'global:requestAnimationFrame',
      'process.nextTick': 'global:process.nextTick',
      later: 'node:timers:setImmediate',
      'timers.setTimeout': 'node:timers:setTimeout',
      sleep: 'node:timers/promises:setTimeout',
      nextTick: 'node:process:nextTick',
    });
  });

  it('marks instances made with new, and does not follow let bindings', () => {
    const paths = resolveCallees(`
import { AsyncLocalStorage } from 'node:async_hooks';
import { context } from '@opentelemetry/api';
const als = new AsyncLocalStorage();
let c = context;
als.run(1, f); c.active();`);
    expect(paths['als.run']).toBe('node:async_hooks:AsyncLocalStorage#new.run');
    expect(paths['c.active']).toBeUndefined();
  });
});
