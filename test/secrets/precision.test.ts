/**
 * Precision on common non-secrets: each look-alike stays quiet, and a real credential in the same
 * context still fires (so a test can fail both ways).
 */
import { describe, expect, it } from 'vitest';
import { detect } from '../../src/secrets/detect.js';
import { RULES } from '../../src/secrets/rules.js';
import { SampleGen } from '../../src/secrets/util.js';

const g = new SampleGen('precision-test');
const GHP = 'ghp_' + g.r('alnum', 36);
const b64 = (s: string) => Buffer.from(s).toString('base64');

const quiet: [string, string, string][] = [
  ['UUID ids', 'src/ids.ts', `const requestId = "${g.uuid()}";\nitems.push({ key: "${g.uuid()}" });\nsession_token_id = '${g.uuid()}'`],
  ['package-lock integrity', 'package-lock.json', `"integrity": "sha512-${g.r('b64', 86)}==",\n"gitHead": "${g.r('hex', 40)}",`],
  ['yarn.lock', 'yarn.lock', `  integrity sha512-${g.r('b64', 86)}==\n  resolved "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz#${g.r('hex', 40)}"`],
  ['pnpm-lock', 'pnpm-lock.yaml', `    resolution: {integrity: sha512-${g.r('b64', 86)}==}`],
  ['Cargo.lock / poetry.lock / composer.lock / go.sum', 'Cargo.lock', `checksum = "${g.r('hex', 64)}"\n{file = "x.whl", hash = "sha256:${g.r('hex', 64)}"}\n"shasum": "${g.r('hex', 40)}"\ngithub.com/a/b v1.2.3 h1:${g.r('b64', 43)}=`],
  ['HTML integrity= (SRI)', 'public/index.html', `<script src="/a.js" integrity="sha384-${g.r('b64', 64)}" crossorigin="anonymous"></script>`],
  ['docker image digest', 'compose.yaml', `image: node@sha256:${g.r('hex', 64)}`],
  ['hashes in variables', 'src/cache.ts', `const fileHash = "${g.r('hex', 64)}";\ncache_key: "${g.r('hex', 40)}"\nconst nonce = "${g.r('b64', 24)}";`],
  ['bcrypt hash in a seed file', 'db/seed.ts', `password: "$2b$10$${g.r('b64', 53)}",`],
  ['test fixture fillers', 'test/fixtures/auth.ts', `const token = 'test-token-1234567890abcdef';\nconst apiKey = "fake-api-key-for-tests-${g.r('digits', 4)}";\nconst secret = "mock_secret_value_${g.r('digits', 6)}";\nAPI_KEY = "test_${g.r('alnum', 24)}"\nconst JWT_SECRET = 'test-secret';`],
  ['.env.example placeholders', '.env.example', 'API_KEY=your_api_key_here\nSECRET_KEY=\nJWT_SECRET=<generate with openssl rand -hex 32>\nTOKEN=replace-me\nNEXTAUTH_SECRET=# openssl rand -base64 32\nSTRIPE_SECRET_KEY=sk_test_...\nSTRIPE_WEBHOOK_SECRET=whsec_...'],
  ['local development database URLs', '.env.example', `DATABASE_URL=postgresql://postgres:postgres@localhost:5432/mydb\nREDIS_URL=redis://default:${g.r('alnum', 10)}@localhost:6379\nMONGO_URL=mongodb://root:${g.r('alnum', 10)}@127.0.0.1:27017\nAMQP_URL=amqp://app:${g.r('alnum', 10)}@host.docker.internal:5672`],
  ['Kubernetes Secret with base64 placeholders', 'k8s/secret.yaml', `data:\n  password: ${b64('password')}\n  api-key: ${b64('changeme')}\n  token: ${b64('admin123')}`],
  ['secret references', 'deploy.yml', 'token: ${{ secrets.GITHUB_TOKEN }}\nvalueFrom:\n  secretKeyRef:\n    name: db-secret\n    key: password\ntoken_endpoint: "https://auth.example.com/oauth/token"'],
  ['source map mappings', 'dist/a.js.map', `{"version":3,"mappings":"AAAA,SAASA,EAAE,${g.r('b64', 200)}","sources":["a.ts"]}`],
  ['public key PEM', 'certs/pub.pem', `-----BEGIN PUBLIC KEY-----\n${g.r('b64', 64)}\n${g.r('b64', 64)}\n-----END PUBLIC KEY-----`],
];

const fires: [string, string, string, string][] = [
  ['a GitHub token in a lockfile-like JSON', 'package-lock.json', `"integrity": "sha512-${g.r('b64', 86)}==",\n"_authToken": "${GHP}"`, 'github-personal-access-token'],
  ['a real key pasted into .env.example', '.env.example', `API_KEY=${g.r('alnum', 32)}`, 'generic-secret'],
  ['a remote database URL', '.env.example', `DATABASE_URL=postgresql://app:${g.r('alnum', 20)}@db.${g.r('lower', 8)}.rds.amazonaws.com:5432/app`, 'postgres-url-password'],
  ['a Kubernetes Secret with a real base64 password', 'k8s/secret.yaml', `data:\n  password: ${b64(`${g.r('alpha', 6)}!${g.r('digits', 5)}`)}`, 'generic-password'],
  ['a URL credential on a host named like localhost', 'src/a.ts', `const u = "https://deploy:${g.r('alnum', 20)}@localhost.${g.r('lower', 6)}.dev/x";`, 'generic-url-credentials'],
  ['a test fixture holding a real-format token (reported, lowered later)', 'test/fixtures/auth.ts', `const token = "${GHP}";`, 'github-personal-access-token'],
];

describe('precision on common non-secrets', () => {
  it.each(quiet)('stays quiet: %s', (_n, file, text) => {
    expect(detect(text, file).map((h) => `${h.rule} ${h.redacted}`)).toEqual([]);
  });
  it.each(fires)('fires: %s', (_n, file, text, rule) => {
    expect(detect(text, file).map((h) => h.rule)).toEqual([rule]);
  });
  it('keeps at least 100 detectors', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(100);
  });
});
