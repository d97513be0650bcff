/** Small helpers to write exact, copy-pasteable PostgreSQL fix statements. */

const SIMPLE = /^[a-z_][a-z0-9_$]*$/;

/** Quotes an identifier when PostgreSQL needs it (upper case, spaces, leading digit...). */
export function ident(name: string): string {
  return SIMPLE.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, with `public.` kept (fix statements should be unambiguous). */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** Index name PostgreSQL would pick for (table, columns), cut to 63 bytes. */
export function indexName(table: string, columns: string[]): string {
  return `${table}_${columns.join('_')}_idx`.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 63);
}
