// The README, true to the letter: every block it marks `<!-- check: run -->` runs as a newcomer would run it (fresh
// DATA_DIR, fake upstreams), each command must succeed, and every output it shows must appear in what ran.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeDockerHub } from './fakes/dockerhub.ts';
import { type FakeUpstream, json, startFakeUpstream } from './fakes/upstream.ts';
import { checkedBlocks, uncheckedLocalBlocks } from './readme/blocks.ts';
import { type World, runBlock, showsInOrder } from './readme/session.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fixture = (path: string) => readFileSync(new URL(`fixtures/${path}`, import.meta.url), 'utf8');

const blocks = checkedBlocks(README);

let hub: FakeUpstream;
let github: FakeUpstream;
let quay: FakeUpstream;
let world: World;

beforeAll(async () => {
  [hub, github, quay] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  // What the README's examples track: nginx, myorg/app and acme's repositories; acme/gone is gone.
  installFakeDockerHub(hub, { repos: new Map([['library/nginx', 12_174_412_037], ['myorg/app', 4_210], ['acme/app', 961]]) });
  github.route('/users/acme/packages/container/package/cli', (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(fixture('ghcr/package-page.html')));
  const repository = JSON.parse(fixture('quay/repository.json')) as Record<string, unknown>;
  quay.route('/api/v1/repository/acme/app', (_request, response) => json(response, 200, { ...repository, namespace: 'acme', name: 'app' }));
  quay.route('/api/v1/repository', (_request, response) => json(response, 200, { repositories: [{ namespace: 'acme', name: 'app', is_public: true, kind: 'image', state: 'NORMAL' }] }));
  world = {
    env: { DOCKERHUB_API_URL: hub.url, GHCR_URL: github.url, QUAY_API_URL: quay.url, GHCR_REQUEST_GAP: '0s' },
    hosts: { [hub.url]: 'https://hub.docker.com', [github.url]: 'https://github.com', [quay.url]: 'https://quay.io' },
  };
});
afterAll(async () => {
  await Promise.all([hub, github, quay].map((fake) => fake.close()));
});

describe('README.md', () => {
  it('marks every block a newcomer runs locally (npm start, npm run collect, repos --local)', () => {
    expect(uncheckedLocalBlocks(README), 'lines of README.md where such a block lacks <!-- check: run -->').toEqual([]);
    expect(blocks.length).toBeGreaterThan(0);
  });

  // Each block has its own DATA_DIR and ports: they run side by side.
  it.concurrent.for(blocks.map((block) => [block.line, block] as const))('block at line %i runs as shown', async ([, block], { expect }) => {
    const runs = await runBlock(block, world);
    const last = runs.at(-1);
    for (const run of runs) {
      const expected = run === last && block.output ? block.output.exit : 0;
      expect(run.code, `README.md:${block.line}: \`${run.command}\` exited ${run.code}:\n${run.output}`).toBe(expected);
    }
    if (block.output) {
      expect(last, `README.md:${block.output.line}: output shown after a block that runs nothing`).toBeDefined();
      expect(showsInOrder(block.output.lines, last!.output), `README.md:${block.output.line}: shown:\n${block.output.lines.join('\n')}\nbut \`${last!.command}\` printed:\n${last!.output}`).toBe(true);
    }
  });
});
