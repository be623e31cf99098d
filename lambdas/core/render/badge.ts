// Pull-count badges: a flat SVG drawn here, and the JSON that shields.io's endpoint badge renders.

/** shields.io's named colours (badge-maker), so a colour means the same in our SVG and on img.shields.io. */
const NAMED_COLORS = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellowgreen: '#a4a61d',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  blue: '#007ec6',
  grey: '#555',
  lightgrey: '#9f9f9f',
} as const;

export type NamedColor = keyof typeof NAMED_COLORS;
/** A shields.io colour name or a CSS hex colour (`#rgb`, `#rrggbb`); both renderers accept exactly these. */
export type BadgeColor = NamedColor | `#${string}`;

export interface Badge {
  /** Left text; empty leaves the left half out, as on shields.io. */
  label: string;
  /** Right text; must not be empty (shields.io rejects an empty message). */
  message: string;
  color: BadgeColor;
}

/** The windows a badge can count over: the registry's lifetime total, or pulls in the last day, week or month. */
export type BadgeWindow = 'total' | 'day' | 'week' | 'month';

/**
 * Blue for the lifetime total (the colour of shields.io's download badges), green for the rolling windows, so a
 * README showing both tells "ever" from "lately" at a glance. Neither means good or bad: a pull count is no verdict.
 */
export function badgeColor(window: BadgeWindow): NamedColor {
  return window === 'total' ? 'blue' : 'brightgreen';
}

/** shields.io endpoint schema (https://shields.io/badges/endpoint-badge), so img.shields.io can draw our numbers. */
export function shieldsEndpoint(badge: Badge): { schemaVersion: 1; label: string; message: string; color: BadgeColor } {
  checkBadge(badge);
  return { schemaVersion: 1, label: badge.label, message: badge.message, color: badge.color };
}

/**
 * Advance widths of Verdana's printable ASCII (U+0020 to U+007E) in thousandths of an em, from the font's metrics.
 * Verdana 11px is the face and size badges use; viewers without it fall back to similar sans faces.
 */
const VERDANA_ASCII_WIDTHS = [
  351, 393, 458, 818, 635, 1076, 726, 268, 454, 454, 635, 818, 363, 454, 363, 454, // space ! " # $ % & ' ( ) * + , - . /
  635, 635, 635, 635, 635, 635, 635, 635, 635, 635, // 0-9
  454, 454, 818, 818, 818, 545, 1000, // : ; < = > ? @
  683, 685, 698, 770, 632, 574, 775, 751, 420, 454, 692, 556, 842, 748, 787, 603, 787, 695, 683, 616, 731, 683, 988, 685, 615, 685, // A-Z
  454, 454, 454, 818, 635, 635, // [ \ ] ^ _ `
  600, 623, 520, 623, 595, 351, 623, 632, 274, 344, 591, 274, 972, 632, 606, 623, 623, 426, 520, 394, 632, 591, 818, 591, 591, 525, // a-z
  634, 454, 634, 818, // { | } ~
];
/** Anything else counts as a full em: too wide only spaces letters out (textLength), too narrow would overflow the box. */
const OTHER_WIDTH = 1000;
const FONT_SIZE = 11;
const HEIGHT = 20;
const PADDING = 5;
/** A part wider than this is cut with an ellipsis: a badge is a glance, not a paragraph. */
const MAX_TEXT_WIDTH = 300;
const ELLIPSIS = '\u2026';

/**
 * A flat badge: rounded ends, a grey label half and a coloured message half, white text with a faint shadow.
 * Text is sanitised for XML (characters XML 1.0 forbids become U+FFFD, line breaks and tabs become spaces),
 * escaped, and cut to MAX_TEXT_WIDTH. The title and aria-label say what the badge shows, so screen readers read it.
 */
export function badgeSvg(badge: Badge): string {
  checkBadge(badge);
  const label = fit(badge.label);
  const message = fit(badge.message);
  const labelWidth = label.text === '' ? 0 : Math.round(label.width + 2 * PADDING);
  const messageWidth = Math.round(message.width + 2 * PADDING);
  const width = labelWidth + messageWidth;
  const spoken = escapeXml(label.text === '' ? message.text : `${label.text}: ${message.text}`);
  // Badges with the same width have identical clip paths, so ids shared by badges inlined in one page are harmless.
  const clipId = `pullwatch-badge-clip-${width}`;

  const halves = [
    ...(labelWidth > 0 ? [rect(0, labelWidth, NAMED_COLORS.grey)] : []),
    rect(labelWidth, messageWidth, resolveColor(badge.color)),
  ];
  const texts = [
    ...(labelWidth > 0 ? [shadowedText(labelWidth / 2, label)] : []),
    shadowedText(labelWidth + messageWidth / 2, message),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" aria-label="${spoken}">`,
    `<title>${spoken}</title>`,
    '<linearGradient id="pullwatch-badge-sheen" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="${clipId}"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#${clipId})">${halves.join('')}<rect width="${width}" height="${HEIGHT}" fill="url(#pullwatch-badge-sheen)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}">${texts.join('')}</g>`,
    '</svg>',
  ].join('\n');
}

/** Estimated rendering width in pixels of `text` in Verdana 11px. */
export function textWidth(text: string): number {
  let thousandths = 0;
  for (const char of text) thousandths += charWidth(char);
  return (thousandths * FONT_SIZE) / 1000;
}

function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  return code >= 0x20 && code <= 0x7e ? VERDANA_ASCII_WIDTHS[code - 0x20]! : OTHER_WIDTH;
}

function checkBadge(badge: Badge): void {
  if (badge.message === '') throw new RangeError(`badge message is empty (label ${JSON.stringify(badge.label)})`);
  resolveColor(badge.color);
}

function resolveColor(color: BadgeColor): string {
  if (Object.hasOwn(NAMED_COLORS, color)) return NAMED_COLORS[color as NamedColor];
  if (/^#(?:[0-9a-f]{3}){1,2}$/i.test(color)) return color;
  throw new RangeError(`badge color ${JSON.stringify(color)} is neither a shields.io colour name nor #rgb / #rrggbb`);
}

interface FittedText {
  text: string;
  width: number;
}

function fit(raw: string): FittedText {
  const text = xmlSafe(raw);
  const width = textWidth(text);
  if (width <= MAX_TEXT_WIDTH) return { text, width };
  const budget = MAX_TEXT_WIDTH - textWidth(ELLIPSIS);
  let kept = '';
  let keptWidth = 0;
  for (const char of text) {
    const next = keptWidth + textWidth(char);
    if (next > budget) break;
    kept += char;
    keptWidth = next;
  }
  const cut = kept.trimEnd() + ELLIPSIS;
  return { text: cut, width: textWidth(cut) };
}

/** Replaces what XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF) and flattens line breaks. */
function xmlSafe(text: string): string {
  let safe = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code === 0x9 || code === 0xa || code === 0xd) safe += ' ';
    else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) safe += '\ufffd';
    else safe += char;
  }
  return safe;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
}

function rect(x: number, width: number, fill: string): string {
  return `<rect x="${x}" width="${width}" height="${HEIGHT}" fill="${fill}"/>`;
}

/** A shadow one pixel lower at 30% black, then the text; textLength pins both to the estimated width. */
function shadowedText(centre: number, { text, width }: FittedText): string {
  const length = width.toFixed(1);
  const escaped = escapeXml(text);
  return (
    `<text x="${centre}" y="15" fill="#010101" fill-opacity=".3" textLength="${length}">${escaped}</text>` +
    `<text x="${centre}" y="14" textLength="${length}">${escaped}</text>`
  );
}
