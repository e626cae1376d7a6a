// A report job: its span is started by hand and handed to a retry timer. The span is never
// made active, so the retry's spans become new roots under every context manager.
import { tracer } from './tracing.js';

function renderReport(reportId: string): void {
  tracer.startActiveSpan('report.render', (span) => {
    span.setAttribute('report.id', reportId);
    span.end();
  });
}

export function runReportJob(reportId: string, retryMs: number): Promise<void> {
  return new Promise((resolve) => {
    const span = tracer.startSpan('report.job');
    setTimeout(() => {
      renderReport(reportId);
      span.end();
      resolve();
    }, retryMs);
  });
}
