// The README's checked blocks: a fenced block right after an HTML comment `<!-- check: run -->` (commands) or
// `<!-- check: output -->` (what the commands before it print; `exit=N` when the last one ends with status N).
// HTML comments do not render on GitHub, so the marks cost the reader nothing.

export interface CommandBlock {
  /** 1-based line of the block's first command in README.md, for failure messages. */
  line: number;
  commands: string[];
  /** What the block's last command prints, when the README shows it. */
  output?: { lines: string[]; exit: number; line: number };
}

const MARK = /^<!--\s*check:\s*(run|output)((?:\s+\w+=\S+)*)\s*-->\s*$/;
const FENCE = /^```/;

/** Reads every checked block; an output mark must follow a run block, and every mark must be followed by a fence. */
export function checkedBlocks(markdown: string): CommandBlock[] {
  const lines = markdown.split('\n');
  const blocks: CommandBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const mark = MARK.exec(lines[index]!.trim());
    if (!mark) {
      if (/^<!--\s*check/.test(lines[index]!.trim())) throw new Error(`README.md:${index + 1}: a check mark reads <!-- check: run --> or <!-- check: output [exit=N] -->`);
      continue;
    }
    if (!FENCE.test(lines[index + 1] ?? '')) throw new Error(`README.md:${index + 1}: a check mark must be followed by a fenced block`);
    const body: string[] = [];
    let end = index + 2;
    for (; end < lines.length && !FENCE.test(lines[end]!); end++) body.push(lines[end]!);
    if (mark[1] === 'run') {
      blocks.push({ line: index + 3, commands: joinContinuations(body).filter((command) => command.trim() !== '' && !command.trim().startsWith('#')) });
    } else {
      const previous = blocks.at(-1);
      if (!previous || previous.output) throw new Error(`README.md:${index + 1}: an output block must follow a checked run block`);
      const exit = /exit=(\d+)/.exec(mark[2] ?? '');
      previous.output = { lines: body, exit: exit ? Number(exit[1]) : 0, line: index + 3 };
    }
    index = end;
  }
  return blocks;
}

/** Lines ending in a backslash continue on the next one, as in the shell. */
function joinContinuations(lines: readonly string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (line.endsWith('\\')) pending += `${line.slice(0, -1)} `;
    else {
      joined.push(pending + line);
      pending = '';
    }
  }
  if (pending) joined.push(pending);
  return joined;
}

/** Commands that run on a newcomer's machine without AWS: a block holding one must be checked. */
const LOCAL_COMMAND = /^(?:[A-Z][A-Z0-9_]*=\S*\s+)*(?:npm start|npm run collect|npm run repos -- --local)\b/m;

/** 1-based lines of `sh` blocks with a local command but no check mark before them. */
export function uncheckedLocalBlocks(markdown: string): number[] {
  const lines = markdown.split('\n');
  const unchecked: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(?:sh|bash|shell)\s*$/.test(lines[index]!)) continue;
    let end = index + 1;
    while (end < lines.length && !FENCE.test(lines[end]!)) end++;
    const body = lines.slice(index + 1, end).join('\n');
    if (LOCAL_COMMAND.test(body) && !MARK.test(lines[index - 1]?.trim() ?? '')) unchecked.push(index + 1);
    index = end;
  }
  return unchecked;
}
