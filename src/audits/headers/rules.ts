import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'headers/csp-missing',
    stage: 2,
    severity: 'medium',
    title: 'HTML response without Content-Security-Policy',
    why: 'Without a CSP, one injected script (a stored XSS in a listing or message) runs with the full rights of the page and can steal sessions.',
    remediation: "Send a Content-Security-Policy, starting with `default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'` and widening only what the page needs (try it first as Content-Security-Policy-Report-Only).",
  },
  {
    id: 'headers/csp-weak',
    stage: 2,
    severity: 'medium',
    title: 'Content-Security-Policy with high-severity weaknesses',
    why: "Google's CSP Evaluator finds ways around this policy ('unsafe-inline' without a nonce, wildcard script sources, missing object-src or base-uri), so it does not stop injected scripts.",
    remediation: "Fix what the evidence lists: use nonces or hashes instead of 'unsafe-inline', name script hosts instead of '*', add `object-src 'none'` and `base-uri 'none'`.",
  },
  {
    id: 'headers/nosniff-missing',
    stage: 2,
    severity: 'low',
    title: 'No X-Content-Type-Options: nosniff',
    why: 'Browsers may guess the type of a response, so an uploaded file can be run as script or stylesheet.',
    remediation: 'Send `X-Content-Type-Options: nosniff` on every response.',
  },
  {
    id: 'headers/frame-protection-missing',
    stage: 2,
    severity: 'medium',
    title: 'Neither CSP frame-ancestors nor X-Frame-Options',
    why: 'Any site can embed the page in a frame and trick users into clicking buttons they cannot see (clickjacking), e.g. "delete account" or "send payment".',
    remediation: "Send `Content-Security-Policy: frame-ancestors 'none'` (or 'self'), plus `X-Frame-Options: DENY` for old browsers.",
  },
  {
    id: 'headers/referrer-policy-missing',
    stage: 2,
    severity: 'low',
    title: 'No Referrer-Policy (or an unsafe one)',
    why: 'Full URLs, including tokens in password-reset or invitation links, leak to every third party the page links to or loads from.',
    remediation: 'Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`).',
  },
];
