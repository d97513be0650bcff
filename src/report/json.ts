/**
 * JSON reporter: the report object IS the contract (schemaVersion 1), so this is a plain
 * pretty-print. Target-supplied strings are kept verbatim here: JSON escaping makes them
 * inert, and scripts consuming the report must see the real values.
 */
import type { Report } from '../core/types.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
