// The images a repository's build files publish: GitHub Actions workflows and GoReleaser configs, parsed as YAML and read
// by their documented keys. Any text gives a reading (images, and what was skipped with the reason); nothing throws.
import { parse } from 'yaml';
import { type NameScope, imageRef } from './image-names.ts';
import { pushedImages } from './shell-pushes.ts';

export interface FoundImage {
  /** Canonical ref, e.g. `ghcr:acme/api`. */
  ref: string;
  /** The file that publishes it, e.g. `.github/workflows/release.yml`. */
  file: string;
}

export interface SkippedName {
  file: string;
  /** The name as written. */
  written: string;
  reason: string;
}

export interface BuildFileReading {
  images: FoundImage[];
  skipped: SkippedName[];
}

export interface Repository {
  owner: string;
  repo: string;
}

type Data = Record<string, unknown>;

/** Files worth fetching from a repository's tree. */
export function isBuildFile(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || /^\.goreleaser\.ya?ml$/.test(path);
}

/** A Dockerfile anywhere in the tree (`Dockerfile`, `docker/Dockerfile.prod`, `api.Dockerfile`). */
export function isDockerfile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^Dockerfile(\..+)?$/i.test(name) || /\.Dockerfile$/i.test(name) || /^Containerfile$/i.test(name);
}

export function readBuildFile(file: string, text: string, repository: Repository): BuildFileReading {
  const reading: BuildFileReading = { images: [], skipped: [] };
  let data: unknown;
  try {
    // Alias expansion is bounded by the library (maxAliasCount), so a crafted file cannot blow up memory.
    data = parse(text, { maxAliasCount: 100, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    reading.skipped.push({ file, written: file, reason: `not valid YAML: ${(error as Error).message.split('\n')[0]}` });
    return reading;
  }
  if (!isData(data)) return reading;
  const add: Add = (image, scope, shell = false, written = image) => {
    const name = imageRef(image, scope, shell);
    if (!name.ok) reading.skipped.push({ file, written, reason: name.reason });
    else if (!reading.images.some((image) => image.ref === name.ref)) reading.images.push({ ref: name.ref, file });
  };
  if (file.startsWith('.github/workflows/')) readWorkflow(data, { ...repository, env: [] }, add);
  else readGoReleaser(data, repository, add);
  return reading;
}

/** Reads one image name; `written` is how the file wrote it, when that differs from what is resolved. */
type Add = (image: string, scope: NameScope, shell?: boolean, written?: string) => void;

function readWorkflow(workflow: Data, base: NameScope, add: Add): void {
  const workflowScope = withEnv(base, workflow.env);
  for (const job of Object.values(isData(workflow.jobs) ? workflow.jobs : {})) {
    if (!isData(job) || !Array.isArray(job.steps)) continue;
    const jobScope = withEnv(workflowScope, job.env);
    for (const step of job.steps) {
      if (!isData(step)) continue;
      const scope = withEnv(jobScope, step.env);
      const uses = typeof step.uses === 'string' ? step.uses.toLowerCase().split('@')[0] : undefined;
      const inputs = isData(step.with) ? step.with : {};
      if (uses === 'docker/build-push-action' && pushes(inputs)) {
        // `${{ steps.meta.outputs.tags }}` names metadata-action's tags, whose images that step's `images` already gave.
        for (const tag of list(inputs.tags)) if (!/^\$\{\{\s*steps\./.test(tag)) add(tag, scope);
      } else if (uses === 'docker/metadata-action') {
        for (const image of metadataImages(inputs.images)) add(image, scope);
      } else if (typeof step.run === 'string') {
        for (const pushed of pushedImages(step.run)) add(pushed.image, { ...scope, env: [...scope.env, pushed.assigned] }, true);
      }
    }
  }
}

/** build-push-action publishes only with `push` (true, or an expression that may be) or a registry output. */
function pushes(inputs: Data): boolean {
  const push = inputs.push;
  if (push === true || (typeof push === 'string' && (push.trim() === 'true' || push.includes('${{')))) return true;
  return list(inputs.outputs).some((output) => output.includes('type=registry') || output.includes('push=true'));
}

/** metadata-action `images`: one per line (or comma-separated), each a name or `name=…,enable=…` attributes. */
function metadataImages(value: unknown): string[] {
  const images: string[] = [];
  for (const line of lines(value)) {
    if (!/^name=/.test(line)) {
      images.push(...splitCommas(line));
      continue;
    }
    const attributes = Object.fromEntries(line.split(',').map((part) => part.split('=', 2).map((side) => side.trim())));
    if (attributes.name && attributes.enable !== 'false') images.push(attributes.name);
  }
  return images;
}

function readGoReleaser(config: Data, repository: Repository, add: Add): void {
  // GoReleaser's own templates: only the project name is known before a release runs.
  const project = typeof config.project_name === 'string' ? config.project_name : repository.repo;
  const scope: NameScope = { ...repository, env: [] };
  // Any other template (`{{ .Env.REGISTRY }}`) is unknown until release time; as an expression it reads as unresolved.
  const template = (text: string) => text.replace(/\{\{\s*\.ProjectName\s*\}\}/g, project).replace(/\{\{([^}]{0,256})\}\}/g, '$${{$1}}');
  const each = (key: string, field: string) => {
    for (const entry of Array.isArray(config[key]) ? config[key] : []) {
      if (isData(entry)) for (const image of list(entry[field])) add(template(image), scope, false, image);
    }
  };
  each('dockers', 'image_templates');
  each('dockers_v2', 'images');
  each('kos', 'repository');
  each('kos', 'repositories');
}

function withEnv(scope: NameScope, env: unknown): NameScope {
  if (!isData(env)) return scope;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
  }
  return { ...scope, env: [...scope.env, values] };
}

/** A list input: a YAML sequence, or a string with one item per line or comma. */
function list(value: unknown): string[] {
  return lines(value).flatMap(splitCommas);
}

/** Splits on commas outside `${{ … }}`, whose function calls have commas of their own. */
function splitCommas(line: string): string[] {
  return (line.match(/(?:\$\{\{[^}]{0,256}\}\}|[^,])+/g) ?? []).map((item) => item.trim()).filter((item) => item !== '');
}

function lines(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
