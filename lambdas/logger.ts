// The one Powertools Logger every handler and local mode log through: JSON lines, as CloudWatch expects, except on a
// terminal, where a person reads them (LOG_FORMAT=json or text overrides).
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';

/** Attributes every line carries that a person at a terminal does not need. */
const MACHINE_KEYS = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);

/** `10:00:01 WARN  collection failed  ref=dockerhub:library/nginx reason="transient: cannot resolve hub.docker.com"`. */
export function humanLogLine(attributes: Record<string, unknown>): string {
  const time = typeof attributes.timestamp === 'string' ? attributes.timestamp.slice(11, 19) : '';
  const fields = Object.entries(attributes)
    .filter(([key]) => !MACHINE_KEYS.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  return [time, String(attributes.level ?? '').padEnd(5), String(attributes.message ?? ''), ...(fields.length > 0 ? [` ${fields.join(' ')}`] : [])]
    .join(' ')
    .trimEnd();
}

function fieldText(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+Z$/, '$1Z') : JSON.stringify(value);
  if (typeof value === 'object' && value !== null && 'message' in value && 'name' in value) return JSON.stringify(`${String(value.name)}: ${String(value.message)}`);
  return JSON.stringify(value) ?? String(value);
}

function humanReadable(): boolean {
  const format = process.env.LOG_FORMAT?.trim().toLowerCase();
  if (format === 'json') return false;
  if (format === 'text') return true;
  return process.stdout.isTTY === true && !process.env.AWS_LAMBDA_FUNCTION_NAME;
}

class PullwatchLogger extends Logger {
  private readonly human = humanReadable();

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.human) return super.printLog(logLevel, log);
    log.prepareForPrint();
    const attributes = log.getAttributes();
    const line = `${humanLogLine(attributes)}\n`;
    if (['WARN', 'ERROR', 'CRITICAL'].includes(String(attributes.level))) process.stderr.write(line);
    else process.stdout.write(line);
  }
}

export const logger: Logger = new PullwatchLogger({ serviceName: 'pullwatch' });
