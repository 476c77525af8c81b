import http from 'node:http';
import os from 'node:os';

/** Istio's helloworld sample, version v1: GET /hello. */
export function handleHelloworld(version: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/hello') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`Hello version: ${version}, instance: ${os.hostname()}\n`);
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  };
}
