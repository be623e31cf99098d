import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { type Badge, type BadgeColor, badgeColor, badgeSvg, shieldsEndpoint, textWidth } from '../../../lambdas/core/render/badge.ts';

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** Parses with saxes, a conformant XML parser that throws on anything not well-formed (tags, entities, characters). */
function parseXml(xml: string): Element[] {
  const elements: Element[] = [];
  const open: Element[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const element = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '' };
    elements.push(element);
    open.push(element);
  });
  parser.on('text', (text) => {
    if (open.length > 0) open[open.length - 1]!.text += text;
  });
  parser.on('closetag', () => void open.pop());
  parser.write(xml).close();
  return elements;
}

const only = (elements: Element[], name: string) => elements.filter((element) => element.name === name);

const badge = (overrides: Partial<Badge> = {}): Badge => ({ label: 'docker pulls', message: '1.2M', color: 'blue', ...overrides });

describe('badgeSvg', () => {
  it('draws a grey label half and a coloured message half, and says "label: message" to screen readers', () => {
    const elements = parseXml(badgeSvg(badge()));
    const svg = elements[0]!;
    expect(svg.name).toBe('svg');
    expect(svg.attributes).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', role: 'img', 'aria-label': 'docker pulls: 1.2M', height: '20' });
    expect(only(elements, 'title').map((title) => title.text)).toEqual(['docker pulls: 1.2M']);
    const halves = only(elements, 'rect').filter((rect) => rect.attributes.fill?.startsWith('#') && rect.attributes.x !== undefined);
    expect(halves.map((rect) => rect.attributes.fill)).toEqual(['#555', '#007ec6']);
    expect(Number(halves[0]!.attributes.width) + Number(halves[1]!.attributes.width)).toBe(Number(svg.attributes.width));
    expect(only(elements, 'text').map((text) => text.text)).toEqual(['docker pulls', 'docker pulls', '1.2M', '1.2M']);
  });

  it('shadows each text one pixel lower in translucent black', () => {
    const [shadow, text] = only(parseXml(badgeSvg(badge())), 'text');
    expect(shadow!.attributes).toMatchObject({ y: '15', fill: '#010101', 'fill-opacity': '.3' });
    expect(text!.attributes.y).toBe('14');
  });

  it('sizes each half to the Verdana 11px width of its text plus 5px either side', () => {
    expect(textWidth('build')).toBeCloseTo(((623 + 632 + 274 + 274 + 623) * 11) / 1000, 10);
    const svg = parseXml(badgeSvg(badge({ label: 'build', message: 'passing' })))[0]!;
    expect(Number(svg.attributes.width)).toBe(Math.round(textWidth('build') + 10) + Math.round(textWidth('passing') + 10));
    expect(textWidth('WWW')).toBeGreaterThan(textWidth('iii'));
  });

  it('counts characters outside ASCII as a full em, so they never overflow the box', () => {
    expect(textWidth('é')).toBe(11);
    expect(textWidth('拉取')).toBe(22);
    expect(textWidth('😀')).toBe(11);
  });

  it('escapes <, &, " and \' so the text stays text', () => {
    const label = '<script>alert("x")</script> & co\'s';
    const svg = badgeSvg(badge({ label, message: 'a<b&c"d' }));
    expect(svg).not.toContain('<script');
    const elements = parseXml(svg);
    expect(elements[0]!.attributes['aria-label']).toBe(`${label}: a<b&c"d`);
    expect(only(elements, 'text')[0]!.text).toBe(label);
    expect(only(elements, 'script')).toEqual([]);
  });

  it('cuts a 200-character label with an ellipsis, keeping its half within 310px', () => {
    const label = 'a'.repeat(200);
    const elements = parseXml(badgeSvg(badge({ label })));
    const shown = only(elements, 'text')[0]!.text;
    expect(shown).toMatch(/^a+…$/);
    expect(shown.length).toBeLessThan(60);
    expect(elements[0]!.attributes['aria-label']).toBe(`${shown}: 1.2M`);
    const labelHalf = only(elements, 'rect').find((rect) => rect.attributes.fill === '#555')!;
    expect(Number(labelHalf.attributes.width)).toBeLessThanOrEqual(300 + 2 * 5);
  });

  it('replaces characters XML cannot carry and flattens line breaks', () => {
    const elements = parseXml(badgeSvg(badge({ label: 'a\u0000b\nc\td', message: 'x\ud800y\uffff' })));
    expect(only(elements, 'title')[0]!.text).toBe('a\ufffdb c d: x\ufffdy\ufffd');
  });

  it('leaves the label half out when the label is empty, as shields.io does', () => {
    const elements = parseXml(badgeSvg(badge({ label: '' })));
    expect(elements[0]!.attributes['aria-label']).toBe('1.2M');
    expect(only(elements, 'text').map((text) => text.text)).toEqual(['1.2M', '1.2M']);
    expect(only(elements, 'rect').map((rect) => rect.attributes.fill)).not.toContain('#555');
  });

  it.each([
    ['brightgreen', '#4c1'],
    ['#abc', '#abc'],
    ['#A0B1C2', '#A0B1C2'],
  ] as const)('fills the message half with %s as %s', (color, fill) => {
    const fills = only(parseXml(badgeSvg(badge({ color }))), 'rect').map((rect) => rect.attributes.fill);
    expect(fills).toContain(fill);
  });

  it.each(['purple-ish', '#abcd', 'red;stroke:x', 'url(#x)', ''])('rejects the colour %j, naming it', (color) => {
    expect(() => badgeSvg(badge({ color: color as BadgeColor }))).toThrowError(JSON.stringify(color));
  });

  it('rejects an empty message, which shields.io would also refuse', () => {
    expect(() => badgeSvg(badge({ message: '' }))).toThrowError(/message is empty \(label "docker pulls"\)/);
  });

  it('is well-formed XML with only drawing elements, whatever the text', () => {
    const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 250 }));
    const drawing = new Set(['svg', 'title', 'linearGradient', 'stop', 'clipPath', 'rect', 'g', 'text']);
    fc.assert(
      fc.property(anyText, anyText.filter((text) => text !== ''), fc.constantFrom<BadgeColor>('blue', 'red', '#123456'), (label, message, color) => {
        const svg = badgeSvg({ label, message, color });
        const elements = parseXml(svg);
        expect(elements.filter((element) => element.name === 'svg')).toHaveLength(1);
        for (const element of elements) {
          expect(drawing).toContain(element.name);
          for (const name of Object.keys(element.attributes)) expect(name).not.toMatch(/^on|href$/i);
        }
        expect(only(elements, 'title')[0]!.text).toBe(elements[0]!.attributes['aria-label']);
        expect(Number(elements[0]!.attributes.width)).toBeLessThanOrEqual(2 * (300 + 10));
        const clipIds = only(elements, 'clipPath').map((clip) => clip.attributes.id);
        expect(only(elements, 'g').map((g) => g.attributes['clip-path']).filter(Boolean)).toEqual(clipIds.map((id) => `url(#${id})`));
      }),
      { numRuns: 1_500 },
    );
  });

  it('shows short, plain text unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }).filter((text) => !/[\u0000-\u001f]/.test(text)), fc.string({ minLength: 1, maxLength: 10 }).filter((text) => !/[\u0000-\u001f]/.test(text)), (label, message) => {
        const texts = only(parseXml(badgeSvg({ label, message, color: 'blue' })), 'text').map((text) => text.text);
        expect(texts).toEqual([...(label === '' ? [] : [label, label]), message, message]);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('shieldsEndpoint', () => {
  it('answers the shields.io endpoint schema', () => {
    expect(shieldsEndpoint(badge())).toEqual({ schemaVersion: 1, label: 'docker pulls', message: '1.2M', color: 'blue' });
  });

  it('refuses what shields.io would refuse: an empty message or an unknown colour', () => {
    expect(() => shieldsEndpoint(badge({ message: '' }))).toThrowError(RangeError);
    expect(() => shieldsEndpoint(badge({ color: 'mauve' as BadgeColor }))).toThrowError('"mauve"');
  });
});

describe('badgeColor', () => {
  it('is blue for the lifetime total and green for the rolling windows', () => {
    expect(badgeColor('total')).toBe('blue');
    expect((['day', 'week', 'month'] as const).map(badgeColor)).toEqual(['brightgreen', 'brightgreen', 'brightgreen']);
  });
});
