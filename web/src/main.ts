// Minimal dashboard: the latest count of every tracked repository, read from /api/summary.

interface SummaryRow {
  registry: string;
  name: string;
  pull_count: number;
  collected_at: string;
}

const statusLine = document.querySelector<HTMLParagraphElement>('#status')!;
const table = document.querySelector<HTMLTableElement>('#summary')!;

async function show(): Promise<void> {
  let rows: SummaryRow[];
  try {
    const response = await fetch('api/summary', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    rows = (await response.json()) as SummaryRow[];
  } catch (error) {
    statusLine.textContent = `The pullwatch API cannot be reached (${(error as Error).message}).`;
    return;
  }
  if (rows.length === 0) {
    statusLine.textContent = 'No pull counts yet. Add a repository (REPOS=dockerhub:library/nginx locally, or an item in the repos table) and wait for the next collection.';
    return;
  }
  const body = table.tBodies[0]!;
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(row.registry),
        cell(row.name),
        cell(row.pull_count.toLocaleString('en-US'), 'number'),
        cell(new Date(row.collected_at).toLocaleString()),
      );
      return tr;
    }),
  );
  statusLine.hidden = true;
  table.hidden = false;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

void show();
