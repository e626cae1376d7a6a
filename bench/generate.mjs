// Generates a large TypeScript file made of the constructs the rules look at (spans, timers,
// listeners, queues, awaits), for the large-file and editor-latency benchmarks.
export function generateLargeFile(lines) {
  const out = [
    "import { context, trace, propagation } from '@opentelemetry/api';",
    "import { EventEmitter } from 'node:events';",
    "const tracer = trace.getTracer('generated');",
    'const bus = new EventEmitter();',
    'const queue: Array<() => void> = [];',
    'setInterval(() => { while (queue.length) queue.shift()?.(); }, 10);',
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `export async function handler${i}(input: string): Promise<number> {`,
      `  return tracer.startActiveSpan('handler${i}', async (span) => {`,
      `    const carrier: Record<string, string> = {};`,
      `    propagation.inject(context.active(), carrier);`,
      `    setTimeout(() => tracer.startSpan('timer${i}').end(), 1);`,
      `    bus.on('evt${i}', () => tracer.startSpan('listener${i}').end());`,
      `    queue.push(() => tracer.startSpan('queued${i}').end());`,
      `    const child = tracer.startSpan('child${i}');`,
      `    try {`,
      `      await Promise.resolve(input.length);`,
      `      return input.length + ${i};`,
      `    } finally {`,
      `      child.end();`,
      `      span.end();`,
      `    }`,
      `  });`,
      `}`,
    );
    i++;
  }
  return `${out.join("\n")}\n`;
}
