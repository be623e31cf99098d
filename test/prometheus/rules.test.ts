// The shipped alert rules (prometheus/rules.yml): promtool accepts them, their unit tests pass, and those tests can fail.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusText } from '../../lambdas/core/render/prometheus.ts';
import { promtool } from '../fakes/promtool.ts';

const DIR = fileURLToPath(new URL('../../prometheus/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pullwatch-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('prometheus/rules.yml', () => {
  it('passes `promtool check rules`', () => {
    const { status, output } = promtool(['check', 'rules', 'rules.yml'], { cwd: DIR });
    expect(output).toContain('SUCCESS: 4 rules found');
    expect(status).toBe(0);
  });

  it('passes `promtool test rules` for stalled collection, a degraded source, a regressed count and a failing ref', () => {
    const { status, output } = promtool(['test', 'rules', 'rules.test.yml'], { cwd: DIR });
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
    const tests = readFileSync(join(DIR, 'rules.test.yml'), 'utf8');
    for (const alert of ['PullwatchCollectionStalled', 'PullwatchSourceDegraded', 'PullwatchPullCountRegressed', 'PullwatchRefFailing']) expect(tests).toContain(`alertname: ${alert}`);
  });

  it('is a test that can fail: a rule that never fires breaks its unit test', () => {
    cpSync(DIR, scratch, { recursive: true });
    const rules = readFileSync(join(scratch, 'rules.yml'), 'utf8');
    writeFileSync(join(scratch, 'rules.yml'), rules.replace('expr: pullwatch_source_up == 0', 'expr: pullwatch_source_up == 2'));
    const { status, output } = promtool(['test', 'rules', 'rules.test.yml'], { cwd: scratch });
    expect(status).not.toBe(0);
    expect(output).toContain('PullwatchSourceDegraded');
  });

  it('uses only metric names /api/metrics exposes', () => {
    const exposed = new Set([...prometheusText({ samples: [], refs: [] }).matchAll(/^# TYPE (\S+) gauge$/gm)].map((match) => match[1]));
    const used = [...readFileSync(join(DIR, 'rules.yml'), 'utf8').matchAll(/\b(pullwatch_[a-z_]+)\b/g)].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(exposed, name).toContain(name);
  });
});
