import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleHelloworld } from './helloworld.js';
import { handleHttpbin } from './httpbin.js';

export interface RunningSample {
  name: 'httpbin' | 'helloworld-v1';
  port: number;
  close(): Promise<void>;
}

async function listen(
  name: RunningSample['name'],
  handler: http.RequestListener,
  port: number,
): Promise<RunningSample> {
  const server = http.createServer({ keepAlive: true }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    name,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The walkthrough's upstreams, on 127.0.0.1 (port 0 picks a free one). */
export async function startSamples(ports: { httpbin: number; helloworld: number }): Promise<RunningSample[]> {
  const httpbin = await listen('httpbin', handleHttpbin, ports.httpbin);
  const helloworld = await listen('helloworld-v1', handleHelloworld('v1'), ports.helloworld);
  return [httpbin, helloworld];
}

/**
 * ServiceEntries that register the samples as the destinations the walkthrough names
 * (`httpbin:8000`, `helloworld-v1:5000` in namespace default), with endpoints on this machine.
 */
export function sampleServiceEntries(samples: RunningSample[], namespace = 'default'): object[] {
  const servicePort = { httpbin: 8000, 'helloworld-v1': 5000 } as const;
  return samples.map((s) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: s.name, namespace },
    spec: {
      hosts: [`${s.name}.${namespace}.svc.cluster.local`],
      location: 'MESH_INTERNAL',
      ports: [{ number: servicePort[s.name], name: 'http', protocol: 'HTTP' }],
      resolution: 'STATIC',
      endpoints: [{ address: '127.0.0.1', ports: { http: s.port } }],
    },
  }));
}
