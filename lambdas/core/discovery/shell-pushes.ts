// The images a workflow's `run` script pushes: `docker push`, `docker buildx build --push -t`, `podman push`, … read
// command by command from a light tokenisation (quotes, continuations, `&&`, `;`, pipes), never by matching the script.

/** Each image argument as written, and the shell variables the script had assigned by then. */
export interface PushedImage {
  image: string;
  /** `NAME=value` and `export NAME=value` lines seen before the command. */
  assigned: Record<string, string>;
}

/** Podman and buildah options that take a value as the next word. */
const VALUE_OPTIONS = new Set(['--creds', '--authfile', '--cert-dir', '--format', '-f', '--digestfile', '--sign-by', '--compression-format', '--retry', '--retry-delay']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
/** A GitHub expression may hold spaces and quotes: it is set aside before splitting and put back into its word. */
const EXPRESSION = /\$\{\{[^}]{0,256}\}\}/g;

export function pushedImages(script: string): PushedImage[] {
  const pushed: PushedImage[] = [];
  const assigned: Record<string, string> = {};
  for (const words of commands(script)) {
    const start = words.findIndex((word) => !ASSIGNMENT.test(word) && word !== 'sudo');
    if (start === -1 || (words[start] === 'export' && words.slice(start + 1).every((word) => ASSIGNMENT.test(word)))) {
      for (const word of words) {
        const assignment = ASSIGNMENT.exec(word);
        if (assignment) assigned[assignment[1]!] = assignment[2]!;
      }
      continue;
    }
    for (const image of imagesOfCommand(words.slice(start))) pushed.push({ image, assigned: { ...assigned } });
  }
  return pushed;
}

function imagesOfCommand(words: string[]): string[] {
  const [tool, ...rest] = words;
  if (tool !== 'docker' && tool !== 'podman' && tool !== 'buildah') return [];
  const args = rest[0] === 'image' || rest[0] === 'manifest' ? rest.slice(1) : rest;
  if (args[0] === 'push') {
    const positional = positionals(args.slice(1));
    // `podman push SOURCE DESTINATION` publishes the destination, often with a transport: `docker://quay.io/o/app`.
    const target = positional.length > 1 && tool !== 'docker' ? positional[1]! : positional[0];
    return target ? [target.replace(/^docker:\/\//, '')] : [];
  }
  const build = args[0] === 'buildx' && args[1] === 'build' ? args.slice(2) : args[0] === 'build' ? args.slice(1) : undefined;
  if (!build || !pushesBuild(build)) return [];
  return tagsOf(build);
}

function pushesBuild(args: string[]): boolean {
  return args.some((arg, i) => {
    if (arg === '--push') return true;
    const output = arg.startsWith('--output=') ? arg.slice(9) : arg === '--output' || arg === '-o' ? (args[i + 1] ?? '') : undefined;
    return output !== undefined && (output.includes('type=registry') || output.includes('push=true'));
  });
}

function tagsOf(args: string[]): string[] {
  const tags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '-t' || arg === '--tag') && args[i + 1] !== undefined) tags.push(args[++i]!);
    else if (arg.startsWith('--tag=')) tags.push(arg.slice(6));
    else if (arg.startsWith('-t') && arg.length > 2 && !arg.startsWith('--')) tags.push(arg.slice(2));
  }
  return tags;
}

function positionals(args: string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    found.push(arg);
  }
  return found;
}

/** The script's simple commands, as words with quotes removed. */
function commands(script: string): string[][] {
  const expressions: string[] = [];
  const text = script.replace(/\\\r?\n/g, ' ').replace(EXPRESSION, (expression) => `\u0001${expressions.push(expression) - 1}\u0001`);
  const restore = (word: string) => word.replace(/\u0001(\d+)\u0001/g, (_, index: string) => expressions[Number(index)]!);
  const result: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(restore(word));
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) result.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, i + 1);
      const end = close === -1 ? text.length : close;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (char === '#' && word === undefined) {
      const newline = text.indexOf('\n', i);
      i = (newline === -1 ? text.length : newline) - 1;
    } else if (char === '\n' || char === ';' || char === '|' || char === '&' || char === '(' || char === ')') {
      endCommand();
    } else if (/\s/.test(char)) {
      endWord();
    } else {
      word = (word ?? '') + char;
    }
  }
  endCommand();
  return result;
}
