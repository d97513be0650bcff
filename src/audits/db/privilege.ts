/** db/superuser-app-role and db/app-role-owns-schema: least privilege of the application's role. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft, Severity } from '../../core/types.js';
import type { DatabaseArtifact } from '../../db/types.js';
import { ident, myIdent } from './sql.js';

export const superuserAppRole = defineAudit({
  meta: {
    id: 'db-superuser-app-role',
    emits: ['db/superuser-app-role'],
    requiredArtifacts: ['database'],
    description: 'The application role is not a superuser and cannot create roles or databases',
  },
  audit({ database: db }) {
    const r = db.role;
    const target = `${r.name}@${db.target}`;
    const powers = [r.superuser && 'SUPERUSER', r.createRole && 'CREATEROLE', r.createDb && 'CREATEDB'].filter(Boolean) as string[];
    if (!powers.length && !r.dangerousMemberships.length) return { findings: [], targets: [target] };
    const severity: Severity = r.superuser ? 'blocker' : r.createRole || r.dangerousMemberships.length ? 'high' : 'medium';
    const role = ident(r.name);
    const fix = db.engine === 'mysql' ? mysqlLeastPrivilege(db) : [
      ...(powers.length ? [`ALTER ROLE ${role} ${['NOSUPERUSER', 'NOCREATEROLE', 'NOCREATEDB'].filter((p) => powers.includes(p.slice(2))).join(' ')};`] : []),
      ...r.dangerousMemberships.map((m) => `REVOKE ${m} FROM ${role};`),
    ];
    const finding: FindingDraft = {
      rule: 'db/superuser-app-role',
      target,
      severity,
      evidence: { role: r.name, attributes: powers, memberships: r.dangerousMemberships },
      remediation: `Run as another administrative ${db.engine === 'mysql' ? 'account' : 'role'}, then reconnect the application:\n${fix.join('\n')}${r.superuser && db.engine === 'postgres' ? '\n-- the role then needs explicit grants: see db/app-role-owns-schema for the GRANT statements' : ''}`,
    };
    return { findings: [finding], targets: [target] };
  },
});

/** Tables listed in evidence (the remediation covers all of them at once). */
const MAX_LISTED = 10;

export const appRoleOwnsSchema = defineAudit({
  meta: {
    id: 'db-app-role-owns-schema',
    emits: ['db/app-role-owns-schema'],
    requiredArtifacts: ['database'],
    description: 'The application role does not own (and cannot ALTER/DROP) the tables',
  },
  audit({ database: db }) {
    const target = `${db.role.name}@${db.target}`;
    if (!db.tables.length) return { findings: [], notApplicable: 'the database has no tables yet' };
    const owned = db.tables.filter((t) => t.ownedByApp);
    if (!owned.length) return { findings: [], targets: [target] };
    if (db.engine === 'mysql') {
      const finding: FindingDraft = {
        rule: 'db/app-role-owns-schema',
        target,
        evidence: { role: db.role.name, ddlPrivileges: db.role.ddlPrivileges ?? [], totalTables: db.tables.length },
        remediation: mysqlLeastPrivilege(db).join('\n'),
      };
      return { findings: [finding], targets: [target] };
    }
    const role = ident(db.role.name);
    const owner = ident(`${db.role.name}_owner`);
    const schemas = [...new Set(owned.map((t) => t.schema))].map(ident);
    const owners = [...new Set(owned.map((t) => t.owner))];
    const fix = [
      `CREATE ROLE ${owner} NOLOGIN;  -- owns the schema; run migrations as (or SET ROLE to) it`,
      ...owners.map((o) => `REASSIGN OWNED BY ${ident(o)} TO ${owner};  -- in database ${db.database}`),
      ...schemas.flatMap((s) => [
        `GRANT USAGE ON SCHEMA ${s} TO ${role};`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${role};`,
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${role};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${role};`,
      ]),
      ...(owners.includes(db.role.name) ? [] : owners.map((o) => `REVOKE ${ident(o)} FROM ${role};  -- the app inherits the owner's rights through this membership`)),
    ];
    return {
      findings: [
        {
          rule: 'db/app-role-owns-schema',
          target,
          evidence: {
            role: db.role.name,
            ownedTables: owned.length,
            totalTables: db.tables.length,
            examples: owned.slice(0, MAX_LISTED).map((t) => `${t.schema}.${t.name}`),
            owners,
          },
          remediation: fix.join('\n'),
        },
      ],
      targets: [target],
    };
  },
});

/**
 * MySQL/MariaDB: revoke everything from the application account, then grant back data access on
 * its database only; schema changes go to a separate migration account.
 */
function mysqlLeastPrivilege(db: DatabaseArtifact): string[] {
  const acct = db.role.account ?? `'${db.role.name}'@'%'`;
  const d = `${myIdent(db.database)}.*`;
  // An administrative account (root) keeps its rights: the application gets its own account.
  if (db.role.superuser) {
    return [
      `CREATE USER 'app'@'%' IDENTIFIED BY '<new password>';`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${d} TO 'app'@'%';`,
      `-- point DATABASE_URL at 'app' and keep ${acct} for administration and migrations`,
    ];
  }
  return [
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${acct};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${d} TO ${acct};`,
    `-- run migrations with a separate account: GRANT ALTER, CREATE, DROP, INDEX, REFERENCES ON ${d} TO 'migrator'@'...';`,
  ];
}
