import assert from 'node:assert/strict';
import type { SafeHtml } from '../html.js';
import { cssHref } from '../style.js';

/**
 * Test helper: the page's markup with layout whitespace removed (runs collapsed, none
 * next to tags) and `<x />` written `<x>`, so assertions do not depend on how the
 * formatter indents templates.
 */
export function render(page: SafeHtml): string {
  return page
    .toString()
    .replace(/\s+/g, ' ')
    .replace(/\s*(<|>)\s*/g, '$1')
    .replace(/\s*\/>/g, '>');
}

/**
 * Test helper: asserts what every page promises — a complete document in `lang`, one
 * `<main>` and one `<h1>`, the versioned stylesheet, no script, no inline style, only
 * submit buttons, every visible input labelled. Returns the {@link render}ed markup.
 */
export function checkDocument(page: SafeHtml, lang: string): string {
  const out = render(page);
  assert.match(out, /^<!doctype html><html lang="[a-z]+">/);
  assert.ok(out.includes(`<html lang="${lang}">`), `lang=${lang}`);
  assert.ok(out.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
  assert.ok(out.includes('<meta name="referrer" content="no-referrer">'));
  assert.ok(out.includes(`<link rel="stylesheet" href="${cssHref.replace(/&/g, '&amp;')}">`));
  assert.equal(out.match(/<main\b/g)?.length, 1, 'one <main>');
  assert.equal(out.match(/<h1\b/g)?.length, 1, 'one <h1>');
  assert.ok(out.includes('<title>'));
  assert.doesNotMatch(out, /<script|<style|\sstyle=|\son[a-z]+=|javascript:/i);
  for (const button of out.match(/<button\b[^>]*>/g) ?? []) {
    assert.match(button, /type="submit"/);
  }
  for (const input of out.match(/<input\b[^>]*>/g) ?? []) {
    if (input.includes('type="hidden"')) continue;
    const id = /\sid="([^"]+)"/.exec(input)?.[1];
    assert.ok(id !== undefined && out.includes(`<label for="${id}">`), `label for ${input}`);
  }
  for (const form of out.match(/<form\b[^>]*>/g) ?? []) {
    assert.match(form, /method="post"/);
  }
  return out;
}

export const evil = '<script>alert("x")</script>';
export const evilEscaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
