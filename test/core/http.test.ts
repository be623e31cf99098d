import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import { type HttpSettings, fetchUpstream, parseJsonBody, retryAtFrom } from '../../lambdas/core/http.ts';
import { Pacer, type Turn } from '../../lambdas/core/pacing.ts';
import { type FakeUpstream, json, startFakeUpstream } from '../fakes/upstream.ts';

const settings: HttpSettings = { timeoutMs: 500, maxBytes: 1024, userAgent: 'pullwatch-test' };
let fake: FakeUpstream;
let elsewhere: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
  elsewhere = await startFakeUpstream();
  fake.route('/ok', (req, res) => json(res, 200, { ua: req.headers['user-agent'], accept: req.headers.accept }));
  fake.route('/hop', (_req, res) => res.writeHead(302, { location: '/ok' }).end());
  fake.route('/off-host', (_req, res) => res.writeHead(301, { location: `${elsewhere.url}/ok` }).end());
  fake.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
  fake.route('/hang', () => undefined);
  fake.route('/cut', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"partial":');
    setImmediate(() => res.destroy());
  });
  fake.route('/slow-body', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  });
  fake.route('/big', (_req, res) => res.writeHead(200).end('x'.repeat(4096)));
  fake.route('/big-chunked', (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
    res.end();
  });
  fake.route('/gone', (_req, res) => json(res, 404, { message: 'object not found' }));
  fake.route('/denied', (_req, res) => json(res, 401, {}));
  fake.route('/broken', (_req, res) => json(res, 503, {}));
  fake.route('/bad-request', (_req, res) => json(res, 400, {}));
  fake.route('/limited-seconds', (_req, res) => json(res, 429, {}, { 'retry-after': '30' }));
  fake.route('/limited-unix', (_req, res) => json(res, 429, {}, { 'x-retry-after': '2000000000' }));
  fake.route('/limited-bare', (_req, res) => json(res, 429, {}));
  fake.route('/budget-spent', (_req, res) => json(res, 200, {}, { 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 600) }));
  fake.route('/not-json', (_req, res) => res.writeHead(200).end('<html>maintenance</html>'));
});
afterAll(async () => {
  await fake.close();
  await elsewhere.close();
});

const get = (path: string, now = () => 1_000_000) =>
  fetchUpstream({ url: `${fake.url}${path}`, accept: 'application/json', allowedHosts: [new URL(fake.url).host] }, settings, now);

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('fetchUpstream', () => {
  it('sends the User-Agent and Accept it is given', async () => {
    const response = await get('/ok');
    expect(parseJsonBody(response)).toEqual({ ua: 'pullwatch-test', accept: 'application/json' });
  });

  it('follows redirects within the registry host', async () => {
    const response = await get('/hop');
    expect(response.url).toBe(`${fake.url}/ok`);
  });

  it('refuses a redirect to another host without contacting it', async () => {
    const error = await failure(get('/off-host'));
    expect(error.kind).toBe('format_changed');
    expect(error.message).toContain('redirected off the registry');
    expect(elsewhere.requests).toEqual([]);
  });

  it('stops a redirect loop', async () => {
    expect((await failure(get('/loop'))).message).toContain('redirects');
  });

  it('gives up on an upstream that never answers, as a transient error naming the URL', async () => {
    const started = Date.now();
    const error = await failure(get('/hang'));
    expect(error.kind).toBe('transient');
    expect(error.url).toBe(`${fake.url}/hang`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names the host and what went wrong when no answer came: a name that does not resolve, a refused connection, a cut one', async () => {
    const unresolved = await failure(fetchUpstream({ url: 'http://no-such-registry.invalid/v2/', accept: 'application/json', allowedHosts: [] }, settings));
    expect(unresolved.message).toBe('transient: cannot resolve no-such-registry.invalid (http://no-such-registry.invalid/v2/)');
    const closed = await startFakeUpstream();
    const host = new URL(closed.url).host;
    await closed.close();
    const refused = await failure(fetchUpstream({ url: `${closed.url}/v2/`, accept: 'application/json', allowedHosts: [host] }, settings));
    expect(refused.message).toBe(`transient: ${host} refused the connection (${closed.url}/v2/)`);
    expect((await failure(get('/cut'))).message).toBe(`transient: ${new URL(fake.url).host} closed the connection before answering in full (${fake.url}/cut)`);
    expect((await failure(get('/hang'))).message).toBe(`transient: ${new URL(fake.url).host} gave no complete answer within 500 ms (${fake.url}/hang)`);
  });

  it('gives up on a body that stalls after the headers', async () => {
    expect((await failure(get('/slow-body'))).kind).toBe('transient');
  });

  it('caps the body by declared length and by bytes read', async () => {
    expect((await failure(get('/big'))).message).toContain('cap');
    expect((await failure(get('/big-chunked'))).message).toContain('cap');
  });

  it.each([
    ['/gone', 'not_found'],
    ['/denied', 'auth'],
    ['/broken', 'transient'],
    ['/bad-request', 'format_changed'],
  ])('maps %s to %s', async (path, kind) => {
    expect((await failure(get(path))).kind).toBe(kind);
  });

  it('carries when to retry from Retry-After seconds and X-Retry-After unix time', async () => {
    expect((await failure(get('/limited-seconds'))).retryAt).toBe(1_000_000 + 30_000);
    expect((await failure(get('/limited-unix'))).retryAt).toBe(2_000_000_000_000);
    const bare = await failure(get('/limited-bare'));
    expect(bare.kind).toBe('rate_limited');
    expect(bare.retryAt).toBeGreaterThan(1_000_000);
  });

  it('reports a non-JSON body as a format change, quoting its start', async () => {
    const error = await failure(get('/not-json').then(parseJsonBody));
    expect(error.kind).toBe('format_changed');
    expect(error.message).toContain('<html>maintenance');
  });
});

describe('pacing', () => {
  const paced = (path: string, pacer: Pacer) =>
    fetchUpstream({ url: `${fake.url}${path}`, accept: 'application/json', allowedHosts: [new URL(fake.url).host], pacer }, settings);

  it('holds the next request back, without sending it, once the announced budget is spent', async () => {
    const pacer = new Pacer({ registry: 'test' });
    await paced('/budget-spent', pacer);
    const before = fake.requests.length;
    const error = await failure(paced('/ok', pacer));
    expect(error).toMatchObject({ kind: 'rate_limited', rateLimit: { by: 'pacer' } });
    expect(error.retryAt).toBeGreaterThan(Date.now() + 500_000);
    expect(fake.requests.length).toBe(before);
  });

  it('reports a 429 as the registry’s, with the budget the pacer believed it had, and holds back until its retry time', async () => {
    const pacer = new Pacer({ registry: 'test' });
    const error = await failure(paced('/limited-seconds', pacer));
    expect(error).toMatchObject({ kind: 'rate_limited', rateLimit: { by: 'registry', belief: { inFlight: 0, gapMs: 0 } } });
    expect((await failure(paced('/ok', pacer))).rateLimit?.by).toBe('pacer');
  });

  it('lets a redirect ride on the turn of the request it answers', async () => {
    let turns = 0;
    const pacer = new (class extends Pacer {
      override turn(url: string): Promise<Turn> {
        turns++;
        return super.turn(url);
      }
    })({ registry: 'test' });
    expect((await paced('/hop', pacer)).url).toBe(`${fake.url}/ok`);
    expect(turns).toBe(1);
  });

  it('starts the timeout when the request is sent, not while it waits its turn', async () => {
    const pacer = new Pacer({ registry: 'test', minGapMs: 700 });
    await paced('/ok', pacer);
    // The second request waits about 700 ms for its turn, longer than the 500 ms timeout.
    expect(parseJsonBody(await paced('/ok', pacer))).toMatchObject({ ua: 'pullwatch-test' });
  });
});

describe('retryAtFrom', () => {
  it('reads an HTTP date and never returns a time in the past', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(retryAtFrom(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 12:00:30 GMT' }), now)).toBe(now + 30_000);
    expect(retryAtFrom(new Headers({ 'x-retry-after': '1' }), now)).toBe(now);
    expect(retryAtFrom(new Headers({}), now)).toBeUndefined();
  });
});
