import { describe, it, expect } from 'vitest';
import { createScopeGuard, isLoopback } from './scope.js';

describe('createScopeGuard', () => {
  const guard = createScopeGuard(['Example.com', 'api.example.com:8443', 'https://www.example.com', 'http://[::1]:8080', '*.cdn.test', 'bad entry ::']);
  it.each([
    'https://example.com/',
    'http://EXAMPLE.COM./x',
    'https://example.com:9999/',
    'https://api.example.com:8443/v1',
    'https://www.example.com/login',
    'http://www.example.com/', // URL entries without a port match the host on any port
    'http://[::1]:8080/',
    'https://a.cdn.test/',
    'https://b.a.cdn.test/',
  ])('allows %s', (u) => expect(guard(new URL(u))).toBe(true));
  it.each([
    'https://evil.com/',
    'https://example.com.evil.com/',
    'https://notexample.com/',
    'https://sub.example.com/', // no implicit subdomains
    'https://api.example.com/', // port 443 is not 8443
    'http://[::1]:8081/',
    'https://cdn.test/', // wildcard does not cover the apex
  ])('refuses %s', (u) => expect(guard(new URL(u))).toBe(false));

  it('an empty list refuses everything', () => {
    expect(createScopeGuard([])(new URL('http://127.0.0.1/'))).toBe(false);
  });
});

describe('isLoopback', () => {
  it.each(['localhost', 'LOCALHOST.', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    '%s is loopback',
    (h) => expect(isLoopback(h)).toBe(true),
  );
  it.each(['example.com', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost.example.com', '1.127.0.0'])('%s is not loopback', (h) =>
    expect(isLoopback(h)).toBe(false),
  );
});
