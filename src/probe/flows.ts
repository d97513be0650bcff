/**
 * Security endpoints from flow steps marked with a role (`role: login | signup | password-reset |
 * search` in `flows`): the step's method, URL and body become a burst/payload target, in addition
 * to security.endpoints. The step's own {{templates}} are replaced by the probes' marked throwaway
 * values ({{email}}, {{password}}, {{query}}, {{n}}), so a burst never sends the flow's real test
 * credentials: a variable whose name mentions mail/user/login becomes {{email}}, pass/secret
 * becomes {{password}}, query/search/term/q becomes {{query}}, anything else {{n}}.
 */
import type { Flow, FlowStep, StepRole } from '../flow/types.js';
import type { BurstResult } from './types.js';

export interface FlowEndpoint {
  role: BurstResult['role'];
  url: string;
  method: string;
  body?: string;
  contentType: string;
  /** `flow signup-login, step login`. */
  source: string;
}

const ROLES: Partial<Record<StepRole, BurstResult['role']>> = { login: 'login', signup: 'signup', 'password-reset': 'reset', search: 'search' };
const TEMPLATE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** The probe placeholder for one flow variable name. */
export function placeholderFor(name: string): 'email' | 'password' | 'query' | 'n' {
  const n = name.toLowerCase();
  if (/pass|secret|pwd/.test(n)) return 'password';
  if (/mail|user|login|account/.test(n)) return 'email';
  if (/query|search|term|^q$|keyword/.test(n)) return 'query';
  return 'n';
}

function mapTemplates(s: string): string {
  return s.replace(TEMPLATE, (_m, name: string) => `{{${placeholderFor(name)}}}`);
}

/** JSON body with every string templated the same way (a whole-value `{{x}}` stays a string). */
function mapJson(v: unknown): unknown {
  if (typeof v === 'string') return mapTemplates(v);
  if (Array.isArray(v)) return v.map(mapJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapJson(x)]));
  return v;
}

/** Resolves a step URL against the flow's base without percent-encoding the placeholders. */
function resolveStepUrl(raw: string, base?: string): string | null {
  const tokens: string[] = [];
  const hidden = mapTemplates(raw).replace(/\{\{(email|password|query|n)\}\}/g, (m) => `lrph${tokens.push(m) - 1}x`);
  let u: URL;
  try {
    u = base ? new URL(hidden, base) : new URL(hidden);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.href.replace(/lrph(\d+)x/g, (_m, i: string) => tokens[Number(i)]!);
}

function bodyOf(step: FlowStep): { body?: string; contentType: string } {
  const declared = Object.entries(step.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (step.json !== undefined) return { body: JSON.stringify(mapJson(step.json)), contentType: declared ?? 'application/json' };
  if (step.form) {
    // Placeholders stay literal in the form body: fillTemplate URL-encodes the values it puts in.
    const pairs = Object.entries(step.form).map(([k, v]) => `${encodeURIComponent(k)}=${mapTemplates(v)}`);
    return { body: pairs.join('&'), contentType: declared ?? 'application/x-www-form-urlencoded' };
  }
  if (step.body !== undefined) return { body: mapTemplates(step.body), contentType: declared ?? 'text/plain' };
  return { contentType: declared ?? 'application/json' };
}

/**
 * Endpoints of every step (and cleanup step) whose role the probes burst. Steps whose URL cannot
 * be resolved (relative without flow baseUrl or domains.canonical) are returned in `unresolved`.
 */
export function endpointsFromFlows(flows: readonly Flow[], canonical: string | null | undefined): { endpoints: FlowEndpoint[]; unresolved: string[] } {
  const endpoints: FlowEndpoint[] = [];
  const unresolved: string[] = [];
  for (const f of flows) {
    for (const step of [...f.steps, ...(f.cleanup ?? [])]) {
      const role = step.role ? ROLES[step.role] : undefined;
      if (!role || step.url === undefined) continue;
      const source = `flow ${f.name}, step ${step.name}`;
      const base = f.baseUrl ?? canonical ?? undefined;
      const stepUrl = step.url;
      const url = base === undefined ? resolveStepUrl(stepUrl) : resolveStepUrl(stepUrl, base);
      if (!url) {
        unresolved.push(source);
        continue;
      }
      const { body, contentType } = bodyOf(step);
      const method = (step.method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
      endpoints.push({ role, url, method, ...(body !== undefined ? { body } : {}), contentType, source });
    }
  }
  return { endpoints, unresolved };
}
