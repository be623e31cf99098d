// The header cards: lifetime pulls, repositories, and pulls over 1, 7 and 30 days against the window before.
// A value never wraps: where the exact number does not fit its card, the card shows the compact form (`12G`), the
// exact one in its title.
import { h } from './dom.ts';
import { formatCompact, formatNumber, formatPercent, formatSigned, percentChange, relativeTime } from './format.ts';
import type { Totals, WindowTotal } from './model.ts';

export function renderCards(container: HTMLElement, totals: Totals, now: number): void {
  const registries = `${totals.registries} ${totals.registries === 1 ? 'registry' : 'registries'}`;
  const cards = [
    card('total', 'Total pulls', totals.total, totals.latestSuccess ? `latest reading ${relativeTime(totals.latestSuccess, now)}` : 'no reading yet'),
    card(
      'repositories',
      'Tracked repositories',
      totals.repositories,
      totals.failing > 0 ? `${registries} · ${totals.failing} failing` : registries,
      totals.failing > 0 ? 'down' : undefined,
    ),
    windowCard('d1', 'Today so far (UTC)', totals.d1, 'yesterday'),
    windowCard('d7', 'Last 7 days', totals.d7, 'the 7 days before'),
    windowCard('d30', 'Last 30 days', totals.d30, 'the 30 days before'),
  ];
  // Quay counts every repository action, not pulls: shown on its own card, never added to the pull totals.
  if (totals.actions30 !== null) cards.push(card('actions30', 'Quay actions, 30 days', totals.actions30, 'all repository actions, not pulls'));
  container.replaceChildren(...cards);
  fitValues(container);
}

const watched = new WeakSet<HTMLElement>();

/** Each value exact where it fits on one line, compact where not; again whenever the cards change width. */
function fitValues(container: HTMLElement): void {
  for (const value of container.querySelectorAll<HTMLElement>('.card-value[data-value]:not([data-value=""])')) {
    const exact = formatNumber(Number(value.dataset.value));
    value.replaceChildren(exact);
    if (value.scrollWidth > value.clientWidth) value.replaceChildren(h('abbr', { title: exact }, formatCompact(Number(value.dataset.value))));
  }
  if (watched.has(container)) return;
  watched.add(container);
  let width = container.clientWidth;
  new ResizeObserver(() => {
    if (container.clientWidth === width) return;
    width = container.clientWidth;
    fitValues(container);
  }).observe(container);
}

function card(id: string, label: string, value: number | null, note: string, tone?: 'up' | 'down'): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-card': id },
    h('p', { class: 'card-label' }, label),
    h('p', { class: 'card-value', 'data-value': value ?? '' }, formatNumber(value)),
    h('p', { class: `card-note${tone ? ` ${tone}` : ''}` }, note),
  );
}

function windowCard(id: string, label: string, window: WindowTotal, previousName: string): HTMLElement {
  const element = card(id, label, window.current, `no data for ${previousName}`);
  if (window.current === null || window.previous === null) return element;
  const change = window.current - window.previous;
  const percent = percentChange(window.current, window.previous);
  const tone = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '▬';
  const note = h(
    'p',
    { class: `card-note ${tone}`, 'data-change': change, 'data-previous': window.previous },
    h('span', { 'aria-hidden': 'true' }, `${arrow} `),
    `${formatSigned(change)}${percent === null ? '' : ` (${formatPercent(percent)})`} vs ${previousName}`,
  );
  note.title = `${previousName}: ${formatNumber(window.previous)}`;
  element.lastElementChild!.replaceWith(note);
  return element;
}
