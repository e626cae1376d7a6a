// Measured semantics (issue #11, the async-generator family): a generator object created inside
// a traced scope (`startActiveSpan`, `context.with`) and iterated after that scope returned. Its
// body does not run when the generator is created but on each `next()`, in the context of
// whoever calls `next()`. Every scenario iterates under a span `outer` of its own, so a body that
// follows the iterating context shows up as a child of `outer` (a wrong parent), one that keeps
// the creating context as a child of `tool`, and a lost one as a root.
// Run by tests/generator-context.test.ts under every context manager (zone in a fresh process).
import { context, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('generator-semantics');
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

async function* asyncSteps() {
  tracer.startSpan('gen.first').end(); // runs at the first next()
  await tick();
  tracer.startSpan('gen.afterAwait').end(); // after an await inside the body
  yield 1;
  tracer.startSpan('gen.afterYield').end(); // at the second next()
}

function* syncSteps() {
  tracer.startSpan('gen.first').end();
  yield 1;
  tracer.startSpan('gen.afterYield').end();
}

/** Each `next()` / `return()` / `throw()` of `iterator` runs in `ctx` (the manual fix). */
function bindIteration(ctx, iterable) {
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: (...args) => context.with(ctx, () => iterator.next(...args)),
    return: (...args) => context.with(ctx, () => iterator.return(...args)),
    throw: (...args) => context.with(ctx, () => iterator.throw(...args)),
  };
}

function underOuter(work) {
  return tracer.startActiveSpan('outer', async (outer) => {
    try {
      await work();
    } finally {
      outer.end();
    }
  });
}

/** before: an async generator created in the startActiveSpan callback, returned, iterated by the caller. */
export function asyncReturned() {
  return underOuter(async () => {
    const steps = await tracer.startActiveSpan('tool', async (span) => {
      try {
        // eslint-disable-next-line otel-context/no-floating-promise-in-span -- the defect this scenario measures
        return asyncSteps();
      } finally {
        span.end();
      }
    });
    for await (const _ of steps);
  });
}

/** The same, the span left open until the caller finished iterating (`endWhenDone: false` style). */
export function asyncReturnedSpanOpen() {
  return underOuter(async () => {
    let tool;
    const steps = await tracer.startActiveSpan('tool', async (span) => {
      tool = span;
      // eslint-disable-next-line otel-context/no-floating-promise-in-span -- the defect this scenario measures
      return asyncSteps();
    });
    for await (const _ of steps);
    tool.end();
  });
}

/** vercel/ai 2227c6a's change: capture the active context in the callback and create the generator inside context.with(ctx, ..). */
export function asyncReturnedCreatedInWith() {
  return underOuter(async () => {
    const steps = await tracer.startActiveSpan('tool', async (span) => {
      const ctx = context.active();
      try {
        // eslint-disable-next-line otel-context/no-floating-promise-in-span -- the defect this scenario measures
        return await context.with(ctx, () => asyncSteps());
      } finally {
        span.end();
      }
    });
    for await (const _ of steps);
  });
}

/** near miss: the generator is consumed (for await) inside the startActiveSpan callback. */
export function asyncConsumedInside() {
  return underOuter(() =>
    tracer.startActiveSpan('tool', async (span) => {
      try {
        for await (const _ of asyncSteps());
      } finally {
        span.end();
      }
    }),
  );
}

/** fix: the caller iterates through bindIteration(ctx, ..), ctx captured in the callback. */
export function asyncReturnedBound() {
  return underOuter(async () => {
    const steps = await tracer.startActiveSpan('tool', async (span) => {
      try {
        return bindIteration(context.active(), asyncSteps());
      } finally {
        span.end();
      }
    });
    for await (const _ of steps);
  });
}

/** A generator of its own that runs each step of the inner one in `ctx` and ends the span when the iteration ends. */
async function* inContext(ctx, steps, done) {
  try {
    for (;;) {
      const step = await context.with(ctx, () => steps.next());
      if (step.done) return;
      yield step.value;
    }
  } finally {
    done();
  }
}

/** fix (the rule doc's example): the callback returns inContext(context.active(), steps, () => span.end()). */
export function asyncReturnedInContext() {
  return underOuter(async () => {
    const steps = await tracer.startActiveSpan('tool', (span) => inContext(context.active(), asyncSteps(), () => span.end()));
    for await (const _ of steps);
  });
}

/** before, sync: a generator created in the context.with callback, iterated by the caller. */
export function syncReturned() {
  return underOuter(async () => {
    const tool = tracer.startSpan('tool');
    // eslint-disable-next-line otel-context/no-floating-promise-in-span -- the defect this scenario measures
    const steps = context.with(trace.setSpan(context.active(), tool), () => syncSteps());
    tool.end();
    for (const _ of steps);
  });
}

/** near miss, sync: fully consumed inside the context.with callback. */
export function syncConsumedInside() {
  return underOuter(async () => {
    const tool = tracer.startSpan('tool');
    context.with(trace.setSpan(context.active(), tool), () => [...syncSteps()]);
    tool.end();
  });
}
