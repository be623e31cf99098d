// The OpenAPI 3.1 description of the HTTP API; a test holds it to the routes the app really serves.

const rangeParameters = [
  { name: 'from', in: 'query', description: 'Start: YYYY-MM-DD, ISO-8601 time, epoch ms, or relative (30d, 12h, 2w, now-7d). Default: 30 days before `to`.', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: 'End: same forms as `from`. Default: now.', schema: { type: 'string' } },
];
const filterParameters = [
  {
    name: 'registry',
    in: 'query',
    description: 'Only these registries: repeated, comma-separated or {a,b}; $__all for every one.',
    schema: { type: 'array', items: { type: 'string', enum: ['dockerhub', 'ghcr', 'quay', 'registry'] } },
    style: 'form',
    explode: true,
  },
  {
    name: 'repo',
    in: 'query',
    description:
      'Only these repositories: a name as /api/summary lists it (acme/app, owner/nested/tool, nginx for library/nginx; matched in every registry) or a ref (ghcr:acme/app, ghcr.io/acme/app); repeated, comma-separated or {a,b}; $__all for every one.',
    schema: { type: 'array', items: { type: 'string' } },
    style: 'form',
    explode: true,
  },
];
const formatParameter = { name: 'format', in: 'query', description: 'csv for CSV with a header row (or send Accept: text/csv).', schema: { type: 'string', enum: ['json', 'csv'] } };
const byParameter = {
  name: 'by',
  in: 'query',
  description: 'name (default): a name tracked in several registries is summed, as Grafana reads it; ref: one series per registry and repository, with a registry column.',
  schema: { type: 'string', enum: ['name', 'ref'], default: 'name' },
};
const dataParameters = [...rangeParameters, ...filterParameters, byParameter, formatParameter];

const error = { $ref: '#/components/responses/BadParameter' };
const rows = (properties: Record<string, unknown>, required: string[]) => ({
  description: 'Rows as JSON (CSV with format=csv).',
  content: {
    'application/json': { schema: { type: 'array', items: { type: 'object', properties, required } } },
    'text/csv': { schema: { type: 'string' } },
  },
});
const count = { type: ['integer', 'null'], minimum: 0 };
const time = { type: 'string', format: 'date-time' };
const measure = { type: 'string', enum: ['pulls', 'actions'], description: "Quay's numbers count all repository actions, not pulls." };

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'pullwatch',
      version: '1',
      description: 'Container image pull statistics: history, daily deltas, trends, Prometheus metrics and badges. Timestamps are ISO-8601 UTC.',
    },
    paths: {
      '/api/health': {
        get: {
          summary: 'Whether the store can be read and collection works',
          parameters: [{ name: 'ready', in: 'query', description: 'Present: 503 until the first successful collection (container health checks).', schema: { type: 'string' }, allowEmptyValue: true }],
          responses: {
            '200': { description: '{"status":"ok"|"degraded","reason"?,"last_success_at"}: degraded when no tracked ref was collected successfully within 3 polls' },
            '503': { description: '{"status":"unavailable","reason":...} the store cannot be read; {"status":"starting"} with ready, before the first success' },
          },
        },
      },
      '/api/repos': {
        get: {
          summary: 'Tracked refs and how their last collection went',
          parameters: [formatParameter],
          responses: {
            '200': rows(
              { ref: { type: 'string' }, registry: { type: ['string', 'null'] }, name: { type: ['string', 'null'] }, enabled: { type: 'boolean' }, label: { type: ['string', 'null'] }, last_success_at: { type: ['string', 'null'], format: 'date-time' }, last_error: { type: ['object', 'null'] }, warnings: { type: 'array', items: { type: 'string' }, description: 'What the last successful collection said to act on (a cut or partly malformed listing); absent when nothing.' } },
              ['ref', 'enabled'],
            ),
          },
        },
      },
      '/api/summary': {
        get: {
          summary: 'One row per repository and registry: latest count and increases over 1, 7 and 30 days',
          parameters: [
            { name: 'date', in: 'query', description: 'YYYY-MM-DD: each repository as it stood at the end of that day, windows ending then; default today.', schema: { type: 'string', format: 'date' } },
            ...filterParameters,
            formatParameter,
          ],
          responses: {
            '200': rows(
              { registry: { type: 'string' }, name: { type: 'string' }, measure, pull_count: count, tag_count: { ...count, description: "Docker Hub's tag count (read at most daily); null elsewhere." }, star_count: count, last_updated: { type: ['string', 'null'] }, collected_at: time, first_seen_at: time, pulls_1d: count, pulls_yesterday: count, pulls_7d: count, pulls_30d: count },
              ['registry', 'name', 'pull_count', 'collected_at'],
            ),
            '400': error,
          },
        },
      },
      '/api/pulls': {
        get: {
          summary: 'Cumulative history, one row per repository per day (or hour); a name in several registries is summed',
          parameters: [...dataParameters, { name: 'interval', in: 'query', schema: { type: 'string', enum: ['day', 'hour'], default: 'day' } }],
          responses: { '200': rows({ timestamp: time, registry: { type: 'string' }, repo: { type: 'string' }, pull_count: count, measure }, ['timestamp', 'repo', 'pull_count']), '400': error },
        },
      },
      '/api/pulls/daily': {
        get: {
          summary: 'Pulls per day: the first day counts the rise since tracking began (first_seen), drops clamp to 0, gaps spread evenly',
          parameters: dataParameters,
          responses: {
            '200': rows(
              { timestamp: time, registry: { type: 'string' }, repo: { type: 'string' }, daily_pulls: count, first_seen: { type: 'boolean' }, first_seen_at: time, measure },
              ['timestamp', 'repo', 'daily_pulls'],
            ),
            '400': error,
          },
        },
      },
      '/api/snapshot': {
        get: {
          summary: "Each repository's last reading of one day",
          parameters: [{ name: 'date', in: 'query', description: 'YYYY-MM-DD; default the latest day with data.', schema: { type: 'string', format: 'date' } }, ...filterParameters, formatParameter],
          responses: { '200': rows({ timestamp: time, registry: { type: 'string' }, repo: { type: 'string' }, pull_count: count, measure }, ['timestamp', 'registry', 'repo', 'pull_count']), '400': error },
        },
      },
      '/api/trends': {
        get: {
          summary: 'Last 7 days against the 7 before, last 30 against the 30 before; top movers first',
          parameters: [...filterParameters, formatParameter],
          responses: {
            '200': rows(
              { registry: { type: 'string' }, name: { type: 'string' }, measure, pulls_7d: count, previous_7d: count, change_7d: { type: 'integer' }, percent_7d: { type: ['integer', 'null'] }, pulls_30d: count, previous_30d: count, change_30d: { type: 'integer' }, percent_30d: { type: ['integer', 'null'] } },
              ['registry', 'name', 'pulls_7d', 'previous_7d', 'change_7d', 'percent_7d'],
            ),
            '400': error,
          },
        },
      },
      '/api/dashboard': {
        get: {
          summary: "Everything the dashboard shows for a range, in one answer: a row per repository with its figures, error, and the range's daily and cumulative series",
          description: '7d and 30d come from the read model alone. interval is hour for 7d while tracking is younger than 7 days.',
          parameters: [{ name: 'range', in: 'query', schema: { type: 'string', enum: ['7d', '30d', '90d', '1y', 'all'], default: '30d' } }],
          responses: {
            '200': {
              description: '{today, range, interval: day|hour, buckets: [day or hour start], repositories: [{ref, registry, name, label, measure, enabled, has_data, pull_count, collected_at, first_seen_at, pulls_1d, pulls_yesterday, pulls_7d, previous_7d, change_7d, percent_7d, pulls_30d, previous_30d, in_range, last_success_at, error: {kind, message, at, wildcard?}, daily: [], cumulative: []}]}',
              content: { 'application/json': { schema: { type: 'object', required: ['today', 'range', 'interval', 'buckets', 'repositories'] } } },
            },
            '400': error,
          },
        },
      },
      '/api/metrics': {
        get: {
          summary: 'Prometheus text exposition: pullwatch_image_pulls{registry,owner,repo}, windowed pulls, tag counts and collection health per registry and ref',
          parameters: [{ name: 'compat', in: 'query', description: "registry-stats: the peer v2's names instead (registrystats_image_pulls_total, registrystats_image_tags).", schema: { type: 'string', enum: ['registry-stats'] } }],
          responses: { '200': { description: 'text/plain; version=0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/api/badge/{registry}/{path}': {
        get: {
          summary: 'A README badge: path ends in .svg for the image, .json for the shields.io endpoint schema',
          parameters: [
            { name: 'registry', in: 'path', required: true, schema: { type: 'string', enum: ['dockerhub', 'ghcr', 'quay', 'registry'] } },
            { name: 'path', in: 'path', required: true, description: 'Repository path plus .svg or .json, e.g. library/nginx.svg', schema: { type: 'string' } },
            { name: 'window', in: 'query', schema: { type: 'string', enum: ['total', '1d', '7d', '30d'], default: 'total' } },
            { name: 'label', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'The badge', content: { 'image/svg+xml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } },
            '404': { description: 'A grey "not tracked" badge' },
            '400': error,
          },
        },
      },
      '/api/tags': {
        get: {
          summary: "A self-hosted repository's pulls per tag, counted from its registry's notifications",
          parameters: [{ name: 'repo', in: 'query', required: true, description: 'registry:<host>/<repository>', schema: { type: 'string' } }, formatParameter],
          responses: {
            '200': rows({ repo: { type: 'string' }, tag: { type: 'string' }, pulls: count, version_checks: count, last_pull_at: { type: ['string', 'null'], format: 'date-time' } }, ['repo', 'tag', 'pulls']),
            '400': error,
          },
        },
      },
      '/api/ingest/registry': {
        post: {
          summary: "A registry's notification envelope (registry config.yml: notifications.endpoints[].url)",
          description:
            'Bearer token required. Content types: application/vnd.docker.distribution.events.v1+json, ...v2+json, application/json. Each event is counted once, by id, its id and counts written together. Events that break the distribution grammar are skipped, the others counted.',
          responses: {
            '200': { description: '{counted: {pull, version_check, push, delete}, duplicates, ignored, ignoredReasons, skipped, skippedReasons: {reason: count}, repositoryLimit?}' },
            '400': { description: 'Malformed JSON or envelope' },
            '401': { description: 'Missing or wrong token; nothing counted' },
            '413': { description: 'Envelope over 1 MiB or over 1,000 events; the connection is closed' },
            '415': { description: 'Unsupported content type' },
            '503': { description: 'The counters could not be written (or the token read); deliver again' },
          },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    components: {
      responses: {
        BadParameter: {
          description: 'A parameter is wrong; the answer names it.',
          content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, parameter: { type: 'string' } }, required: ['error', 'parameter'] } } },
        },
      },
    },
  };
}
