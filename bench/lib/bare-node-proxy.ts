/**
 * The floor Node itself sets for the gateway's work, for the gateway-vs-nginx bench: a bare
 * node:http2 TLS server (HTTP/1.1 fallback, the compatibility API) answering `/direct` itself and
 * proxying everything else to one upstream over a keep-alive pool, with node:cluster workers
 * sharing the port as the gateway's do. No routing, no header rewriting, no metrics.
 *
 * node dist/bench/lib/bare-node-proxy.js <cert.pem> <key.pem> <port> <upstream port> <workers>
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';

const [certFile, keyFile, port, upstreamPort, workers] = process.argv.slice(2);

function serve(): void {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1024 });
  const server = http2.createSecureServer(
    { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), allowHTTP1: true },
    (req, res) => {
      if (req.url === '/direct') {
        res.writeHead(200, { 'content-length': '0' });
        res.end();
        return;
      }
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: Number(upstreamPort),
          method: req.method,
          path: req.url,
          headers: { host: String(req.headers[':authority'] ?? req.headers.host ?? '') },
          agent,
        },
        (response) => {
          res.writeHead(response.statusCode ?? 502, {
            'content-type': response.headers['content-type'] ?? 'text/plain',
          });
          response.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    },
  );
  server.listen(Number(port), '127.0.0.1');
}

const count = Number(workers);
if (count <= 1) serve();
else if (cluster.isPrimary) {
  // The kernel spreads connections over the workers, as in the gateway.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < count; i++) cluster.fork();
} else {
  // A worker leaves with its primary.
  process.on('disconnect', () => process.exit(0));
  serve();
}
