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

/** MySQL/MariaDB identifier: always back-quoted. */
export function myIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** The statement that adds an index without blocking writes, per engine. */
export function createIndexSql(engine: 'postgres' | 'mysql', schema: string, table: string, columns: string[]): string {
  const name = indexName(table, columns);
  if (engine === 'mysql') return `ALTER TABLE ${myIdent(schema)}.${myIdent(table)} ADD INDEX ${myIdent(name)} (${columns.map(myIdent).join(', ')}), ALGORITHM=INPLACE, LOCK=NONE;`;
  return `CREATE INDEX CONCURRENTLY ${ident(name)} ON ${qualified(schema, table)} (${columns.map(ident).join(', ')});`;
}

/** The statement that drops an index without blocking writes, per engine. */
export function dropIndexSql(engine: 'postgres' | 'mysql', schema: string, table: string, name: string): string {
  if (engine === 'mysql') return `ALTER TABLE ${myIdent(schema)}.${myIdent(table)} DROP INDEX ${myIdent(name)}, ALGORITHM=INPLACE, LOCK=NONE;`;
  return `DROP INDEX CONCURRENTLY ${qualified(schema, name)};`;
}
