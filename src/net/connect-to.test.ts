import { describe, it, expect } from 'vitest';
import { UsageError } from '../core/errors.js';
import { mapConnect, parseConnectTo } from './connect-to.js';

describe('parseConnectTo', () => {
  it.each([
    ['example.com:443:127.0.0.2:8443', { host: 'example.com', port: '443', toHost: '127.0.0.2', toPort: '8443' }],
    [':443:127.0.0.1:8443', { host: '', port: '443', toHost: '127.0.0.1', toPort: '8443' }],
    ['example.com::127.0.0.1:', { host: 'example.com', port: '', toHost: '127.0.0.1', toPort: '' }],
    ['::[::1]:8443', { host: '', port: '', toHost: '::1', toPort: '8443' }],
    ['[2001:DB8::1]:443:[::1]:', { host: '2001:db8::1', port: '443', toHost: '::1', toPort: '' }],
    ['Example.COM.:0443:localhost:80', { host: 'example.com', port: '443', toHost: 'localhost', toPort: '80' }],
    [':::', { host: '', port: '', toHost: '', toPort: '' }],
  ])('parses %s', (input, want) => {
    expect(parseConnectTo(input)).toEqual(want);
  });

  it.each([
    ['example.com:443:127.0.0.1', /missing ":" after CONNECT-TO-HOST/],
    ['example.com:443', /missing ":" after PORT/],
    ['example.com:https:127.0.0.1:443', /PORT "https" is not a port/],
    ['example.com:443:127.0.0.1:70000', /CONNECT-TO-PORT "70000" is not a port/],
    ['example.com:0:127.0.0.1:1', /PORT "0" is not a port/],
    ['[::1:443:a:1', /unclosed "\["/],
    ['[nothost]:443:a:1', /not an IPv6 address/],
    ['ex ample.com:443:a:1', /HOST "ex ample.com" is not a host name/],
    ['a:1:b:2:c', /unexpected ":c"/],
  ])('rejects %s with a message naming the value', (input, reason) => {
    let err: unknown;
    try {
      parseConnectTo(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`"${input}"`);
    expect((err as Error).message).toMatch(reason);
  });
});

describe('mapConnect', () => {
  const rules = [
    parseConnectTo('api.example.com:443:127.0.0.3:9443'),
    parseConnectTo('example.com::127.0.0.2:'),
    parseConnectTo(':80::8080'),
  ];
  it.each([
    ['api.example.com', 443, { host: '127.0.0.3', port: 9443 }],
    ['API.example.com.', 443, { host: '127.0.0.3', port: 9443 }],
    ['example.com', 8443, { host: '127.0.0.2', port: 8443 }], // empty ports keep the original
    ['example.com', 80, { host: '127.0.0.2', port: 80 }], // first match wins, as in curl
    ['other.test', 80, { host: 'other.test', port: 8080 }], // empty HOST matches any
    ['other.test', 443, { host: 'other.test', port: 443 }], // no rule: unchanged
    ['[::1]', 443, { host: '::1', port: 443 }],
  ])('%s:%i -> %o', (host, port, want) => {
    expect(mapConnect(rules, host, port)).toEqual(want);
  });

  it('matches bracketed IPv6 rule hosts', () => {
    expect(mapConnect([parseConnectTo('[::1]:443:127.0.0.1:1')], '[::1]', 443)).toEqual({ host: '127.0.0.1', port: 1 });
  });
});
