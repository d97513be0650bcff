/** Wording shared by every channel: one title line and a few detail lines per alert. */
import type { AlertMessage, MessageKind } from '../types.js';

export const KIND_LABEL: Record<MessageKind, string> = {
  open: 'DOWN',
  escalation: 'DOWN (escalated)',
  repeat: 'STILL DOWN',
  resolved: 'RESOLVED',
  test: 'TEST',
};

/** `[DOWN] Homepage is failing (incident #3)` */
export function title(m: AlertMessage): string {
  const inc = m.incidentId !== null ? ` (incident #${m.incidentId})` : '';
  switch (m.kind) {
    case 'open':
    case 'escalation':
    case 'repeat':
      return `[${KIND_LABEL[m.kind]}] ${m.checkName} is failing${inc}`;
    case 'resolved':
      return `[RESOLVED] ${m.checkName} is back up${inc}`;
    case 'test':
      return `[TEST] launchready test notification`;
    default: {
      const never: never = m.kind;
      return String(never);
    }
  }
}

/** Plain-text body lines (email, Telegram, Discord, fallback text). */
export function lines(m: AlertMessage): string[] {
  const out = [`Check: ${m.checkName} (${m.target})`, `Since: ${m.startedAt}`];
  for (const s of m.summary) out.push(`Failed: ${s}`);
  if (m.context?.status !== undefined) out.push(`Response status: ${m.context.status}`);
  if (m.context?.error) out.push(`Error: ${m.context.error}`);
  if (m.context?.bodyExcerpt) out.push(`Body: ${m.context.bodyExcerpt.slice(0, 300)}`);
  if (m.ackUrl && m.kind !== 'resolved' && m.kind !== 'test') out.push(`Acknowledge: ${m.ackUrl}`);
  return out;
}

export function plainText(m: AlertMessage): string {
  return [title(m), ...lines(m)].join('\n');
}
