// The dashboard's answers (GET /api/dashboard), one per range, each asked for once; a failed one is forgotten, so
// "Try again" asks afresh. index.html preloads the default range's answer under the same URL, so the default view's
// one request leaves while the script still loads; main.ts imports this module first, so another range's request
// leaves as soon as the bundle runs, before the charting code is even evaluated.
import { type DashboardAnswer, getJson } from './api.ts';
import { type Range, parseState } from './state.ts';

const answers = new Map<Range, Promise<DashboardAnswer>>();

export function loadAnswer(range: Range): Promise<DashboardAnswer> {
  let answer = answers.get(range);
  if (!answer) {
    const asked = getJson<DashboardAnswer>('dashboard', { range });
    asked.catch(() => answers.get(range) === asked && answers.delete(range));
    answers.set(range, (answer = asked));
  }
  return answer;
}

loadAnswer(parseState(location.search).range);
