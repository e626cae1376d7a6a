/**
 * no-unpaired-context-attach, the holder form of a field swap
 * (core/detectors/no-unpaired-context-attach/field-swaps.ts, findHolderSwap): a closure or module
 * `let` named for a current context, set, a parameter function called, and the holder put back
 * (to a saved copy, or cleared) with no `finally` (unjs/unctx's `call` before its fix); and the
 * stack form (findStackSwap): a context stack pushed and popped around a parameter call.
 */
import rule from '../rules/no-unpaired-context-attach.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-unpaired-context-attach (holder swaps)', rule, {
  valid: [
    {
      name: 'the holder is put back in a finally',
      code: `
let activeScope: unknown;
export function withScope<R>(scope: unknown, fn: () => R): R {
  const prev = activeScope;
  activeScope = scope;
  try {
    return fn();
  } finally {
    activeScope = prev;
  }
}`,
    },
    {
      name: 'a counter saved and restored around a callback is not a context',
      code: `
let depth = 0;
export function visit(fn: () => void) {
  const prev = depth;
  depth = prev + 1;
  fn();
  depth = prev;
}`,
    },
    {
      name: 'a local of the same function is not shared by the calls',
      code: `
export function run<R>(ctx: unknown, fn: () => R): R {
  let currentContext: unknown = null;
  currentContext = ctx;
  const result = fn();
  currentContext = null;
  return result ?? currentContext;
}`,
    },
    {
      name: 'nothing the caller handed in runs between set and clear',
      code: `
let currentContext: unknown = null;
export function peek(ctx: unknown) {
  currentContext = ctx;
  const seen = JSON.stringify(currentContext);
  currentContext = null;
  return seen;
}`,
    },
    {
      name: 'stack form: popped in a finally (a stack context manager done right)',
      code: `
export class Manager {
  private _contextStack: unknown[] = [];
  with<R>(ctx: unknown, fn: () => R): R {
    this._contextStack.push(ctx);
    try {
      return fn();
    } finally {
      this._contextStack.pop();
    }
  }
}`,
    },
    {
      name: 'stack form: a stack local to the function',
      code: `
export function local(fn: () => void) {
  const contextStack: unknown[] = [];
  contextStack.push(1);
  fn();
  contextStack.pop();
}`,
    },
    {
      name: 'stack form: a stack not named for a context (a visitor\'s node stack)',
      code: `
const nodeStack: unknown[] = [];
export function visit(node: unknown, fn: () => void) {
  nodeStack.push(node);
  fn();
  nodeStack.pop();
}`,
    },
  ],
  invalid: [
    {
      name: 'stack form: a module context stack pushed and popped around the callback',
      code: `
const contextStack: unknown[] = [];
export function withContext<R>(ctx: unknown, fn: () => R): R {
  contextStack.push(ctx);
  const result = fn();
  contextStack.pop();
  return result;
}`,
      output: `
const contextStack: unknown[] = [];
export function withContext<R>(ctx: unknown, fn: () => R): R {
  contextStack.push(ctx);
  try {
    const result = fn();
    return result;
  } finally {
    contextStack.pop();
  }
}`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'contextStack', call: 'fn(..)' }, line: 6, column: 3 }],
    },
    {
      name: 'stack form: a class field stack and the callback run with .call',
      code: `
export class Manager {
  private _contextStack: unknown[] = [];
  run<R>(ctx: unknown, fn: () => R): R {
    this._contextStack.push(ctx);
    const r = fn.call(this);
    this._contextStack.pop();
    return r;
  }
}`,
      output: `
export class Manager {
  private _contextStack: unknown[] = [];
  run<R>(ctx: unknown, fn: () => R): R {
    this._contextStack.push(ctx);
    try {
      const r = fn.call(this);
      return r;
    } finally {
      this._contextStack.pop();
    }
  }
}`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'this._contextStack', call: 'fn.call(..)' } }],
    },
    {
      name: 'set, run the callback, clear (unctx before its fix)',
      code: `
export function createContext<T>() {
  let currentInstance: T | null = null;
  return {
    use: () => currentInstance,
    call: <R>(instance: T, cb: () => R): R => {
      currentInstance = instance;
      const res = cb();
      currentInstance = null;
      return res;
    },
  };
}`,
      output: `
export function createContext<T>() {
  let currentInstance: T | null = null;
  return {
    use: () => currentInstance,
    call: <R>(instance: T, cb: () => R): R => {
      currentInstance = instance;
      try {
        const res = cb();
        return res;
      } finally {
        currentInstance = null;
      }
    },
  };
}`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'currentInstance', call: 'cb(..)' }, line: 9, column: 7 }],
    },
    {
      name: 'a module holder saved to a const and written back',
      code: `
let activeScope: unknown;
export function withScope<R>(scope: unknown, fn: () => R): R {
  const prev = activeScope;
  activeScope = scope;
  const r = fn();
  activeScope = prev;
  return r;
}`,
      output: `
let activeScope: unknown;
export function withScope<R>(scope: unknown, fn: () => R): R {
  const prev = activeScope;
  activeScope = scope;
  try {
    const r = fn();
    return r;
  } finally {
    activeScope = prev;
  }
}`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'activeScope', call: 'fn(..)' } }],
    },
  ],
});
