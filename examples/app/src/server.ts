// The service entry point.
import { createServer } from 'node:http';
import { handleGetOrders } from './orders-handler.js';
import { runReportJob } from './report-job.js';

export function start(port: number) {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/orders')) handleGetOrders(req, res);
    else if (req.url === '/reports') void runReportJob('daily', 1000).then(() => res.end('ok'));
    else res.writeHead(404).end();
  });
  return server.listen(port);
}
