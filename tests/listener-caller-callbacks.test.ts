/**
 * no-unbound-listener in files with no tracing (issue 11, listener family; multer's
 * `busboy.on('close', ..)` calling `next`, raw-body's `stream.on('end', onEnd)` calling `callback`):
 * a one-shot listener on an emitter the function received, or made and piped a received stream
 * into, that calls the function's callback parameter (core/analysis/stream-callbacks.ts). The
 * mechanism is measured in tests/stream-callback-listeners.test.ts.
 */
import rule from '../rules/no-unbound-listener.js';
import { createRuleTester, under } from './rule-tester.js';

const ruleTester = createRuleTester();
const CALLER = 'listenerRunsCallerCallback' as const;
const ALS = under('async-local-storage');
const HOOKS = under('async-hooks');

const READ_BODY = `
function readBody(stream, limit, callback) {
  var received = 0;
  var complete = false;
  function done(err, body) {
    complete = true;
    cleanup();
    callback(err, body);
  }
  function onData(chunk) {
    received += chunk.length;
    if (received > limit) done(new Error('too large'));
  }
  function onEnd(err) {
    if (complete) return;
    done(err || null, received);
  }
  function cleanup() {
    stream.removeListener('data', onData);
    stream.removeListener('end', onEnd);
  }
  stream.on('data', onData);
  stream.on('end', onEnd);
}
module.exports = readBody;`;

const UPLOAD = (listener: string) => `
var Busboy = require('busboy');
module.exports = function upload(req, res, next) {
  var busboy = Busboy({ headers: req.headers });
  busboy.on('close', ${listener});
  req.pipe(busboy);
};`;

ruleTester.run('no-unbound-listener (a caller\'s callback run from a stream\'s listeners)', rule, {
  valid: [
    {
      name: 'near miss: the emitter is made and fed here (a Readable pushed by this function), not received or piped from a parameter',
      settings: ALS,
      code: `
const { Readable } = require('node:stream');
module.exports = function fromList(items, callback) {
  const stream = new Readable({ read() {} });
  stream.once('end', () => callback(null));
  for (const item of items) stream.push(item);
  stream.push(null);
  stream.resume();
};`,
    },
    {
      name: 'near miss: a persistent subscription (port.on(\'message\')) calling a subscriber\'s handler: binding it would pin every later message',
      settings: ALS,
      code: `
export function onMessage(port, callback) {
  port.on('message', (event) => {
    callback(event.data);
  });
}`,
    },
    {
      name: 'near miss: the last parameter is data handed on, never called (proxyHead)',
      settings: ALS,
      code: `
module.exports = function relay(server, proxySocket, proxyHead) {
  proxySocket.on('end', () => {
    server.emit('close', proxySocket, proxyHead);
  });
};`,
    },
    {
      name: 'near miss: a promise executor\'s reject called from the listener: the continuation follows the await',
      settings: ALS,
      code: `
module.exports = function finished(stream) {
  return new Promise(function (resolve, reject) {
    stream.once('error', reject);
    stream.once('end', () => resolve());
  });
};`,
    },
    {
      name: 'near miss: every caller in the file binds the callback before handing it over (raw-body\'s fix: wrap(done) through an AsyncResource)',
      settings: HOOKS,
      code: `
const { AsyncResource } = require('node:async_hooks');
function wrap(fn) {
  const res = new AsyncResource('bound');
  return res.runInAsyncScope.bind(res, fn, null);
}
module.exports = function getBody(stream, done) {
  return readStream(stream, wrap(done));
};
function readStream(stream, callback) {
  stream.once('end', () => callback(null));
}`,
    },
    {
      name: 'near miss: the only caller passes its own continuation, which runs the user\'s callback through runInAsyncScope (undici\'s api-stream.js)',
      settings: ALS,
      code: `
const { AsyncResource } = require('node:async_hooks');
function trackFinish(stream, callback) {
  const onFinish = () => callback(null);
  stream.once('finish', onFinish);
}
class StreamHandler extends AsyncResource {
  constructor(callback) { super('STREAM'); this.callback = callback; }
  onHeaders(res) {
    trackFinish(res, (err) => {
      const { callback } = this;
      this.runInAsyncScope(callback, null, err);
    });
  }
}
module.exports = StreamHandler;`,
    },
    {
      name: 'near miss: the only caller passes a dispatcher it made itself (on-finished: attached = createListener(msg), whose queued listeners are bound where queued)',
      settings: ALS,
      code: `
function attachFinishedListener(msg, callback) {
  msg.once('finish', () => callback(null));
}
function createListener(msg) {
  function listener(err) { for (const fn of listener.queue) fn(err, msg); }
  listener.queue = [];
  return listener;
}
module.exports = function attachListener(msg, listener) {
  let attached = msg.__onFinished;
  if (!attached) {
    attached = msg.__onFinished = createListener(msg);
    attachFinishedListener(msg, attached);
  }
  attached.queue.push(listener);
};`,
    },
    {
      name: 'near miss: the reader is handed to a higher-order helper that binds the callback where it calls it (raw-body\'s current index.ts: getBody(readStream, ..))',
      settings: ALS,
      code: `
import { AsyncResource } from 'node:async_hooks';
function bindAsyncContext(fn) {
  const resource = new AsyncResource('bound');
  return resource.runInAsyncScope.bind(resource, fn, null);
}
function getBody(read, stream, done) {
  read(stream, bindAsyncContext(done));
}
function readStream(stream, callback) {
  stream.once('end', () => callback(null));
}
export function getRawBody(stream, done) {
  return getBody(readStream, stream, done);
}`,
    },
    {
      name: 'near miss: a function handed inline to a framework gets its callback from the framework, which may bind it (fastify binds a content-type parser\'s done)',
      settings: ALS,
      code: `
const querystring = require('node:querystring');
module.exports = function (fastify) {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', function (request, payload, done) {
    let body = '';
    payload.on('data', (data) => { body += data; });
    payload.once('end', () => done(null, querystring.parse(body)));
  });
};`,
    },
    {
      name: 'near miss: the listener is already bound (multer\'s fix)',
      settings: ALS,
      code: UPLOAD("AsyncResource.bind(function () { next(); })").replace("var Busboy", "var { AsyncResource } = require('node:async_hooks');\nvar Busboy"),
    },
    {
      name: 'near miss: under zone (zone.js patches EventEmitter: listeners run in their registration zone)',
      settings: under('zone'),
      code: UPLOAD('function () { next(); }'),
    },
    {
      name: 'near miss: a test helper under a test directory (a runner\'s done records the end of a test)',
      settings: ALS,
      filename: 'test/helpers.js',
      code: `
module.exports = function readAll(s, cb) {
  var objs = [];
  s.on('data', (v) => objs.push(v));
  s.on('end', function () { cb(objs); });
};`,
    },
  ],
  invalid: [
    {
      name: 'raw-body\'s shape: the end and data listeners, removed when done, reach the callback through local helpers; removed by reference, so no fix',
      settings: HOOKS,
      code: READ_BODY,
      errors: [
        { messageId: CALLER, line: 22, data: { event: 'data', emitter: 'stream', callback: 'callback', how: 'that this function received' } },
        { messageId: CALLER, line: 23, data: { event: 'end', emitter: 'stream', callback: 'callback', how: 'that this function received' } },
      ],
      output: null,
    },
    {
      name: 'multer\'s shape: a parser the request is piped into calls next from its close listener: bound with AsyncResource.bind',
      settings: ALS,
      code: UPLOAD('function () {\n    next();\n  }'),
      errors: [{ messageId: CALLER, line: 5, data: { event: 'close', emitter: 'busboy', callback: 'next', how: 'that a received stream is piped into' } }],
      output: UPLOAD('AsyncResource.bind(function () {\n    next();\n  })').replace("var Busboy = require('busboy');", "var Busboy = require('busboy');\nconst { AsyncResource } = require('node:async_hooks');"),
    },
    {
      name: 'an ESM helper with a once listener on a received request: the import is added',
      settings: ALS,
      code: `
import { parse } from './parse.js';
export function readJson(req, done) {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { text += chunk; });
  req.once('end', () => done(null, parse(text)));
}`,
      errors: [{ messageId: CALLER, line: 7, data: { event: 'end', emitter: 'req', callback: 'done', how: 'that this function received' } }],
      output: `
import { parse } from './parse.js';
import { AsyncResource } from 'node:async_hooks';
export function readJson(req, done) {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { text += chunk; });
  req.once('end', AsyncResource.bind(() => done(null, parse(text))));
}`,
    },
  ],
});
