// Drives the app for the demo: two GET /orders requests and a report job, then waits for a few
// metric flushes.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shutdown } from './orders-handler.js';
import { runReportJob } from './report-job.js';
import { start } from './server.js';

function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    })
      .on('error', reject)
      .end();
  });
}

export async function scenario(): Promise<void> {
  const server = start(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await get(port, '/orders?page=1');
  await get(port, '/orders?page=2');
  await runReportJob('daily', 5);
  await new Promise((resolve) => setTimeout(resolve, 50));
  shutdown();
  await new Promise((resolve) => server.close(resolve));
}
