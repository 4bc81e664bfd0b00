import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, raw, SafeHtml } from './html.js';

/** `html` under another name, so the formatter leaves these exact templates alone. */
const exact = html;

describe('html templates', () => {
  it('escapes & < > " \' and backtick in interpolated text', () => {
    assert.equal(html`<p>${'<b>&"\'`'}</p>`.toString(), '<p>&lt;b&gt;&amp;&quot;&#39;&#96;</p>');
  });

  it('keeps a quoted attribute closed when the value contains quotes', () => {
    const x = '" autofocus onfocus="alert(1)';
    const out = exact`<input value="${x}">`.toString();
    assert.equal(out, '<input value="&quot; autofocus onfocus=&quot;alert(1)">');
    assert.equal(out.split('"').length - 1, 2, 'only the two template quotes remain');
    assert.equal(exact`<a title='${"it's"}'>`.toString(), "<a title='it&#39;s'>");
  });

  it('neutralises a script tag and an escaped-looking entity', () => {
    assert.equal(html`${'<script>alert(1)</script>'}`.toString(), '&lt;script&gt;alert(1)&lt;/script&gt;');
    assert.equal(html`${'&lt;'}`.toString(), '&amp;lt;');
  });

  it('renders numbers and renders nothing for null, undefined and false', () => {
    assert.equal(html`${0}|${42}|${null}|${undefined}|${false}|`.toString(), '0|42||||');
  });

  it('keeps nested fragments as markup but escapes strings inside arrays', () => {
    const items = ['a<', 'b>'].map((s) => html`<li>${s}</li>`);
    assert.equal(exact`<ul>${items}</ul>`.toString(), '<ul><li>a&lt;</li><li>b&gt;</li></ul>');
    assert.equal(html`${['<i>', raw('<i>')]}`.toString(), '&lt;i&gt;<i>');
  });

  it('does not double-escape a fragment interpolated twice', () => {
    const inner = html`<b>${'&'}</b>`;
    assert.equal(html`${html`${inner}`}`.toString(), '<b>&amp;</b>');
  });

  it('passes raw() constants through unescaped', () => {
    assert.equal(raw('<hr>').toString(), '<hr>');
    assert.ok(raw('') instanceof SafeHtml);
  });

  it('refuses values it does not know how to render', () => {
    assert.throws(() => html`${{} as unknown as string}`, TypeError);
    assert.throws(() => html`${true as unknown as string}`, TypeError);
  });

  it('cannot be forged without the module-private token', () => {
    const Forged = SafeHtml as unknown as new (token: symbol, value: string) => SafeHtml;
    assert.throws(() => new Forged(Symbol('SafeHtml'), '<script>'), TypeError);
  });

  it('escapeHtml leaves ordinary text alone', () => {
    assert.equal(escapeHtml('Jürgen Müller 123'), 'Jürgen Müller 123');
  });
});
