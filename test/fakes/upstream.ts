// A programmable fake upstream on 127.0.0.1: tests register routes and read back what was requested.
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => unknown;

export interface FakeUpstream {
  url: string;
  /** Requests seen so far, as `METHOD /path?query`. */
  requests: string[];
  route(path: string | RegExp, handler: FakeHandler): void;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const routes: { path: string | RegExp; handler: FakeHandler }[] = [];
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const match = routes.findLast(({ path }) => (typeof path === 'string' ? path === url.pathname : path.test(url.pathname)));
    if (!match) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    void Promise.resolve(match.handler(request, response, url)).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => routes.push({ path, handler }),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Docker Hub's repository answer, shaped like the real one (fields pullwatch reads plus typical neighbours). */
export function dockerHubRepository(namespace: string, name: string, pullCount: number, starCount = 0): Record<string, unknown> {
  return {
    user: namespace,
    name,
    namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: `${name} image`,
    is_private: false,
    star_count: starCount,
    pull_count: pullCount,
    last_updated: '2026-11-20T08:15:30.123456Z',
    date_registered: '2019-01-01T00:00:00Z',
    affiliation: '',
    media_types: ['application/vnd.oci.image.index.v1+json'],
    content_types: ['image'],
  };
}
