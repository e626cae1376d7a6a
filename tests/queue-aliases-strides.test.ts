/**
 * no-unbound-queued-callback, issue 11 family 5 (bluebird's scheduler,
 * bench/real-world/FAMILIES.md "bluebird-async-invoke-buffer-domain"): a queue reached through a
 * local that holds the field (`var q = this._queue; q.push(fn)`, `var buffer = this._lateBuffer;
 * buffer.shift()`), a dequeued function handed to a helper that runs it (`tryCatch1(fn, receiver,
 * arg)`), and stride queues (`push(fn, receiver, arg)` drained by three `shift()`s in a row), where
 * only the positions the drain runs are reported: one finding per push, not one per argument.
 * Files with no tracing, so under the AsyncLocalStorage managers (core/analysis/queue-entries.ts).
 */
import rule from '../rules/no-unbound-queued-callback.js';
import { createRuleTester, under } from './rule-tester.js';

const ruleTester = createRuleTester();
const CALLER = 'queuedCallbackLosesCaller' as const;
const ALS = under('async-local-storage');
const HOOKS = under('async-hooks');

/** A pre-class scheduler whose store and drain are written by `push` and `drain`. */
const scheduler = (push: string, drain: string, header = ''): string => `
${header}
var Queue = require('./queue');
function Scheduler() {
  this._buffer = new Queue();
  this._ticking = false;
  var self = this;
  this.flush = function () { self._flush(); };
}
Scheduler.prototype.invoke = function (fn, receiver, arg) {
${push}
  if (!this._ticking) { this._ticking = true; setImmediate(this.flush); }
};
Scheduler.prototype._flush = function () {
${drain}
  this._ticking = false;
};
module.exports = new Scheduler();`;

const STRIDE_CALL = `  var buffer = this._buffer;
  while (buffer.length() > 0) {
    var fn = buffer.shift();
    var receiver = buffer.shift();
    var arg = buffer.shift();
    fn.call(receiver, arg);
  }`;
const STRIDE_HELPER = `  var buffer = this._buffer;
  while (buffer.length() > 0) {
    var fn = buffer.shift();
    var receiver = buffer.shift();
    var arg = buffer.shift();
    var res = tryCatch1(fn, receiver, arg);
    if (res === errorObj) throw res.e;
  }`;
const BATCHER = `
import { invoke } from './run.js';
export class Batcher {
  #pending: Array<() => void> = [];
  schedule(task: () => void) {
    const pending = this.#pending;
    pending.push(task);
    if (pending.length === 1) setTimeout(() => this.flush(), 10);
  }
  flush() {
    const pending = this.#pending;
    while (pending.length > 0) invoke(pending.shift());
  }
}`;

const HELPERS = "var tryCatch1 = require('./util').tryCatch1;\nvar errorObj = require('./util').errorObj;";

ruleTester.run('no-unbound-queued-callback (queue aliases and strides)', rule, {
  valid: [
    {
      name: 'near miss: the local holding the field is reassigned to a new queue before it is pushed to, so its pushes are not the field\'s',
      settings: ALS,
      code: scheduler('  var q = this._buffer;\n  q = new Queue();\n  q.push(fn, receiver, arg);', STRIDE_CALL),
    },
    {
      name: 'near miss: a dequeued value handed as the first argument to a helper not named for running it (applyError(span, ..)) is not run',
      settings: ALS,
      code: scheduler(
        '  this._buffer.push(fn);',
        '  var buffer = this._buffer;\n  while (buffer.length() > 0) {\n    var span = buffer.shift();\n    applyError(span, "late");\n  }',
        "var applyError = require('./errors').applyError;",
      ),
    },
    {
      name: 'near miss: the dequeued entry runs itself through a runner it carries (zone.js: task.zone.runTask(task)), in the context it was queued with',
      settings: ALS,
      code: `
let microTasks = [];
export function scheduleMicroTask(task) {
  if (microTasks.length === 0) Promise.resolve().then(drain);
  microTasks.push(task);
}
function drain() {
  while (microTasks.length) {
    const queue = microTasks;
    microTasks = [];
    for (const task of queue) task.zone.runTask(task, null, null);
  }
}`,
    },
    {
      name: 'near miss: the fixed scheduler binds the function with AsyncResource.bind before pushing it',
      settings: HOOKS,
      code: scheduler('  this._buffer.push(AsyncResource.bind(fn), receiver, arg);', STRIDE_HELPER, `${HELPERS}\nconst { AsyncResource } = require('node:async_hooks');`),
    },
    {
      name: 'near miss: a stride queue whose drain runs only the entries at position 0 through an AsyncResource kept at position 1',
      settings: ALS,
      code: scheduler(
        '  this._buffer.push(fn, new AsyncResource("job"));',
        '  var buffer = this._buffer;\n  while (buffer.length() > 0) {\n    var fn = buffer.shift();\n    var resource = buffer.shift();\n    resource.runInAsyncScope(fn);\n  }',
        "const { AsyncResource } = require('node:async_hooks');",
      ),
    },
    {
      name: 'near miss: under zone no untraced queue is reported (AsyncResource.bind would do nothing there)',
      settings: under('zone'),
      code: scheduler('  var q = this._buffer;\n  q.push(fn, receiver, arg);', STRIDE_HELPER, HELPERS),
    },
  ],
  invalid: [
    {
      name: 'bluebird\'s late buffer: a direct push, drained through a local alias of the field and run by tryCatch1: only fn is reported, not receiver and arg',
      settings: HOOKS,
      code: scheduler('  this._buffer.push(fn, receiver, arg);', STRIDE_HELPER, HELPERS),
      errors: [{ messageId: CALLER, line: 12, column: 21 }],
      output: scheduler('  this._buffer.push(AsyncResource.bind(fn), receiver, arg);', STRIDE_HELPER, `const { AsyncResource } = require('node:async_hooks');\n${HELPERS}`),
    },
    {
      name: 'bluebird\'s function buffer: pushed and drained through locals holding the field, run with fn.call(receiver, arg): one finding at fn',
      settings: ALS,
      code: scheduler('  var functionBuffer = this._buffer;\n  functionBuffer.push(fn, receiver, arg);', STRIDE_CALL),
      errors: [{ messageId: CALLER, line: 12, column: 23 }],
      output: scheduler('  var functionBuffer = this._buffer;\n  functionBuffer.push(AsyncResource.bind(fn), receiver, arg);', STRIDE_CALL).replace("var Queue = require('./queue');", "var Queue = require('./queue');\nconst { AsyncResource } = require('node:async_hooks');"),
    },
    {
      name: 'a stride-2 queue whose drain runs position 1 (the callback pushed after its argument): the callback is reported, not the argument',
      settings: ALS,
      code: scheduler(
        '  this._buffer.push(arg, fn);',
        '  var buffer = this._buffer;\n  while (buffer.length() > 0) {\n    var value = buffer.shift();\n    var done = buffer.shift();\n    done(null, value);\n  }',
      ),
      errors: [{ messageId: CALLER, line: 11, column: 26 }],
      output: scheduler(
        '  this._buffer.push(arg, AsyncResource.bind(fn));',
        '  var buffer = this._buffer;\n  while (buffer.length() > 0) {\n    var value = buffer.shift();\n    var done = buffer.shift();\n    done(null, value);\n  }',
      ).replace("var Queue = require('./queue');", "var Queue = require('./queue');\nconst { AsyncResource } = require('node:async_hooks');"),
    },
    {
      name: 'a class with a private field reached through a const, a single-entry queue run by invoke(task): reported',
      settings: ALS,
      code: BATCHER,
      errors: [{ messageId: CALLER, line: 7, column: 18 }],
      output: BATCHER.replace("import { invoke } from './run.js';", "import { invoke } from './run.js';\nimport { AsyncResource } from 'node:async_hooks';").replace('pending.push(task);', 'pending.push(AsyncResource.bind(task));'),
    },
  ],
});
