/**
 * Error-leak signatures: stack traces and framework debug pages, as data. Each pattern must be
 * specific enough that an ordinary page does not match it (tests keep a list of near misses).
 * Add a framework by adding a row; the audit (security/stack-trace-exposed) reads this table only.
 */
export interface LeakSignature {
  id: string;
  framework: string;
  /** Regular expression source, matched case-sensitively unless flags say otherwise. */
  pattern: string;
  flags?: string;
}

export const LEAK_SIGNATURES: readonly LeakSignature[] = [
  // V8 stack frames: "    at handler (/srv/app/routes.js:12:7)" or "at node:internal/..." (two frames or more).
  { id: 'node-stack', framework: 'Node.js / Express', pattern: String.raw`(?:\bat [^\n()]{1,200}\((?:/|[A-Za-z]:\\|node:|file://)[^\n)]{1,300}:\d+:\d+\)[\s\S]{0,400}){2}` },
  // Express's default HTML error page in development renders frames with &nbsp; indentation.
  { id: 'express-html', framework: 'Express', pattern: String.raw`&nbsp; &nbsp;at [^<]{1,300}:\d+:\d+\)` },
  { id: 'node-stack-json', framework: 'Node.js', pattern: String.raw`"stack"\s*:\s*"[^"]{0,400}\\n\s+at ` },
  { id: 'python-traceback', framework: 'Python', pattern: String.raw`Traceback \(most recent call last\):` },
  { id: 'django-debug', framework: 'Django', pattern: String.raw`You(?:'|&#x27;|&#39;)re seeing this error because you have <code>DEBUG = True</code>` },
  { id: 'django-exception', framework: 'Django', pattern: String.raw`\bdjango\.(?:core|db|http|urls)\.[a-z_.]*(?:exceptions|Error)` },
  { id: 'rails-debug', framework: 'Rails', pattern: String.raw`<title>Action Controller: Exception caught</title>` },
  { id: 'rails-frame', framework: 'Rails / Ruby', pattern: String.raw`(?:app|gems/[^\s:]+)/[^\s:]+\.rb:\d+:in [\x60'][^'\n]{1,120}'` },
  { id: 'laravel-whoops', framework: 'Laravel', pattern: String.raw`Whoops! There was an error|Illuminate\\[A-Z][A-Za-z]+\\|vendor/laravel/framework/` },
  { id: 'symfony-debug', framework: 'Symfony / PHP', pattern: String.raw`Symfony\\Component\\[A-Za-z]+\\|Stack trace:\s*\n#0 ` },
  { id: 'php-fatal', framework: 'PHP', pattern: String.raw`(?:Fatal error|Parse error|Warning)</b>?:? .{1,300} in <b>?/[^<\n]{1,200}</b>? on line <b>?\d+` },
  { id: 'spring-whitelabel', framework: 'Spring Boot', pattern: String.raw`Whitelabel Error Page` },
  { id: 'java-stack', framework: 'Java / Spring', pattern: String.raw`\bat (?:[A-Za-z_$][\w$]*\.){2,}[\w$<>]+\([\w$]+\.java:\d+\)` },
  { id: 'java-exception', framework: 'Java', pattern: String.raw`\b(?:java\.lang|org\.springframework|jakarta\.servlet|javax\.servlet)\.[\w.]*(?:Exception|Error)\b` },
  { id: 'aspnet-ysod', framework: 'ASP.NET', pattern: String.raw`Server Error in '[^']{0,100}' Application|\[[A-Z][A-Za-z]*Exception: ` },
  { id: 'dotnet-stack', framework: 'ASP.NET / .NET', pattern: String.raw`\bat [\w.]+\.[\w<>]+\([^)\n]{0,200}\) in [^\n]{1,200}\.cs:line \d+` },
  { id: 'go-panic', framework: 'Go', pattern: String.raw`goroutine \d+ \[running\]:` },
];

const COMPILED = LEAK_SIGNATURES.map((s) => ({ ...s, re: new RegExp(s.pattern, s.flags ?? '') }));

/** The first leak signature found in `text` (a response body), with a short excerpt. */
export function findLeak(text: string): { id: string; framework: string; excerpt: string } | null {
  for (const s of COMPILED) {
    const m = s.re.exec(text);
    if (m) return { id: s.id, framework: s.framework, excerpt: m[0].slice(0, 160).replace(/\s+/g, ' ') };
  }
  return null;
}
