// Reading history files: registry-stats v1 daily snapshots (written here in the peer's documented shape), pullwatch's
// /api/pulls CSV and full export; a bad file is refused with its name and the line at fault.
import { describe, expect, it } from 'vitest';
import { HistoryFileError, exportCsv, parseHistoryFile } from '../../lambdas/core/history-files.ts';
import type { Sample } from '../../lambdas/core/samples.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const parse = (name: string, text: string, registry?: 'dockerhub' | 'ghcr') => parseHistoryFile(name, text, { now: NOW, ...(registry && { registry }) });

/** registry-stats v1's snapshot as its store writes it: indented JSON, Docker Hub repos with their tags, GHCR packages. */
function snapshot(timestamp: string, dockerHub: { repo: string; pulls: number; tags?: number }[], ghcr: { pkg: string; downloads: number }[]): string {
  return JSON.stringify(
    {
      timestamp,
      docker_hub: dockerHub.map(({ repo, pulls, tags = 0 }) => ({
        repo,
        last_updated: '2026-03-01T08:00:00.123456Z',
        tags: Array.from({ length: tags }, (_, i) => ({ name: `v${i}`, last_updated: '2026-03-01T08:00:00Z', digest: 'sha256:abc', images: [{ architecture: 'amd64', os: 'linux', digest: 'sha256:def', size: 512 }], full_size: 1024 })),
        pull_count: pulls,
      })),
      ghcr: ghcr.map(({ pkg, downloads }) => ({ package: pkg, download_count: downloads })),
    },
    null,
    2,
  );
}

/** The error a bad file is refused with. */
function refusal(name: string, text: string, registry?: 'dockerhub' | 'ghcr'): HistoryFileError {
  try {
    parse(name, text, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryFileError);
    return error as HistoryFileError;
  }
  throw new Error(`${name} was accepted`);
}

describe('registry-stats v1 snapshots', () => {
  it('reads Docker Hub and GHCR entries as readings at the snapshot time, tag_count as the number of tags', () => {
    const text = snapshot('2026-03-06T12:00:00Z', [{ repo: 'owner/app', pulls: 100, tags: 3 }, { repo: 'nginx', pulls: 7 }], [{ pkg: 'owner/nested/tool', downloads: 50 }]);
    expect(parse('2026-03-06.json', text)).toEqual({
      samples: [
        { registry: 'dockerhub', repo: 'owner/app', collectedAt: '2026-03-06T12:00:00.000Z', pullCount: 100, lastUpdated: '2026-03-01T08:00:00.123456Z', tagCount: 3 },
        { registry: 'dockerhub', repo: 'library/nginx', collectedAt: '2026-03-06T12:00:00.000Z', pullCount: 7, lastUpdated: '2026-03-01T08:00:00.123456Z', tagCount: 0 },
        { registry: 'ghcr', repo: 'owner/nested/tool', collectedAt: '2026-03-06T12:00:00.000Z', pullCount: 50 },
      ],
      left: [],
    });
  });

  it('takes a snapshot with only one registry, or none (the peer leaves empty lists out)', () => {
    expect(parse('2026-03-06.json', JSON.stringify({ timestamp: '2026-03-06T00:10:00Z', ghcr: [{ package: 'o/p', download_count: 0 }] })).samples).toHaveLength(1);
    expect(parse('2026-03-06.json', JSON.stringify({ timestamp: '2026-03-06T23:59:59Z' })).samples).toEqual([]);
  });

  it('refuses a file whose name is not its day, or whose time is on another day', () => {
    expect(refusal('snapshot.json', '{}').message).toBe('snapshot.json:1: a registry-stats snapshot is named YYYY-MM-DD.json (its UTC day), not "snapshot.json"');
    const text = snapshot('2026-03-05T12:00:00Z', [], []);
    expect(refusal('data/2026-03-06.json', text).message).toBe('data/2026-03-06.json:2: timestamp 2026-03-05T12:00:00Z is not on 2026-03-06, the day the file is named for');
  });

  it('names the line of a JSON syntax error', () => {
    const text = snapshot('2026-03-06T12:00:00Z', [{ repo: 'owner/app', pulls: 1 }], []).replace('"pull_count": 1', '"pull_count": 1,');
    const error = refusal('2026-03-06.json', text);
    expect(error.line).toBe(text.slice(0, text.indexOf('"pull_count": 1,')).split('\n').length + 1);
    expect(error.message).toMatch(/^2026-03-06\.json:\d+: not JSON: /);
  });

  it('names the line of the entry at fault: a count that is no count, a name that is no repository', () => {
    const rows = [{ repo: 'owner/a', pulls: 1 }, { repo: 'owner/b', pulls: 2 }, { repo: 'owner/c', pulls: 3 }];
    const text = snapshot('2026-03-06T12:00:00Z', rows, []);
    const lines = text.split('\n');
    const badCount = text.replace('"pull_count": 2', '"pull_count": "many"');
    const error = refusal('2026-03-06.json', badCount);
    expect(error.message).toContain('docker_hub.1.pull_count');
    expect(lines[error.line - 1]).toContain('"pull_count": 2');
    const badName = refusal('2026-03-06.json', text.replace('"owner/c"', '"Owner/C"'));
    expect(lines[badName.line - 1]).toContain('"repo": "owner/c"');
    expect(badName.message).toContain('"Owner/C" is not a dockerhub repository');
    // Minified, the line is the only one.
    expect(refusal('2026-03-06.json', JSON.stringify(JSON.parse(badCount))).line).toBe(1);
  });
});

describe('pullwatch CSV', () => {
  it('reads /api/pulls?by=ref as day closings, one second before the end of each day, never after now', () => {
    const csv = 'timestamp,registry,repo,pull_count,measure\r\n2026-03-08T00:00:00Z,ghcr,acme/nested/tool,10,\r\n2026-03-10T00:00:00Z,ghcr,acme/nested/tool,15,\r\n2026-03-10T00:00:00Z,quay,ns/app,9,actions\r\n';
    expect(parse('pulls.csv', csv)).toEqual({
      samples: [
        { registry: 'ghcr', repo: 'acme/nested/tool', collectedAt: '2026-03-08T23:59:59.000Z', pullCount: 10 },
        { registry: 'ghcr', repo: 'acme/nested/tool', collectedAt: NOW.toISOString(), pullCount: 15 },
      ],
      left: [{ reason: "Quay's actions (a running sum in /api/pulls; import them from a full export)", count: 1 }],
    });
  });

  it('reads hourly /api/pulls rows as the end of each hour', () => {
    const csv = 'timestamp,registry,repo,pull_count,measure\n2026-03-09T05:00:00Z,dockerhub,nginx,10,\n';
    expect(parse('hourly.csv', csv).samples).toEqual([{ registry: 'dockerhub', repo: 'library/nginx', collectedAt: '2026-03-09T05:59:59.000Z', pullCount: 10 }]);
  });

  it('asks for the registry of a by-name export, which sums a name over registries', () => {
    const csv = 'timestamp,repo,pull_count,measure\n2026-03-08T00:00:00Z,acme/app,10,\n';
    expect(refusal('by-name.csv', csv).message).toContain('by-name.csv:1: no registry column');
    expect(parse('by-name.csv', csv, 'dockerhub').samples).toEqual([{ registry: 'dockerhub', repo: 'acme/app', collectedAt: '2026-03-08T23:59:59.000Z', pullCount: 10 }]);
  });

  it('round-trips the full export exactly: times to the millisecond, stars, last update, tag count, Quay actions', () => {
    const samples: Sample[] = [
      { registry: 'dockerhub', repo: 'acme/app', collectedAt: '2026-03-09T06:00:00.417Z', pullCount: 2 ** 40, starCount: 3, lastUpdated: '2026-03-01T08:00:00.123456Z', tagCount: 12 },
      { registry: 'ghcr', repo: 'acme/nested/tool', collectedAt: '2026-03-09T07:00:00.000Z', pullCount: 0 },
      { registry: 'quay', repo: 'ns/app', collectedAt: '2026-03-09T00:00:00.000Z', pullCount: 4, measure: 'daily_actions' },
      { registry: 'registry', repo: 'localhost:5000/team/app', collectedAt: '2026-03-09T08:00:00.000Z', pullCount: 9 },
    ];
    expect(parse('backup.csv', exportCsv(samples))).toEqual({ samples, left: [] });
  });

  it('names the line of a bad row: a quoted field with a line break counts its lines', () => {
    const csv = 'registry,repo,measure,collected_at,pull_count,star_count,last_updated,tag_count\n' + 'dockerhub,acme/app,pulls,2026-03-09T06:00:00Z,5,,"a\nb",\n' + 'dockerhub,acme/app,pulls,2026-03-09T07:00:00Z,-5,,,\n';
    expect(refusal('backup.csv', csv).message).toBe('backup.csv:4: pull_count "-5" is not a whole number ≥ 0');
    expect(refusal('backup.csv', csv.replace('-5', '6').replace('dockerhub,acme/app,pulls,2026-03-09T07', 'dockerhub,acme/app,pulls,2026-03-99T07')).message).toContain('backup.csv:4: collected_at');
    expect(refusal('backup.csv', csv.replace('-5,,,', '5,,')).message).toBe('backup.csv:4: 7 fields, the header has 8');
    expect(refusal('backup.csv', csv.replace('-5', '5').replace('2026-03-09T07', '2026-04-09T07')).message).toContain('is in the future');
    expect(refusal('backup.csv', 'registry,repo\n').message).toBe('backup.csv:1: no timestamp, pull_count column (columns: registry, repo)');
    expect(refusal('notes.txt', 'x').message).toContain('notes.txt:1: not a history file');
  });
});
