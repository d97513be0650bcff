/**
 * The `email` artifact: everything the email audits read, gathered by src/gather/email.ts.
 * Plain JSON: no bigint, no class instances.
 */
import type { Rcode } from '../../net/types.js';
import type { SpfPosture } from './spf/posture.js';
import type { DmarcError, DmarcRecord } from './dmarc/parse.js';
import type { DkimKeyFacts } from './dkim/key.js';
import type { WalkStep } from './dmarc/bis.js';
import type { StsPolicy } from './mta-sts/policy.js';

export interface DmarcInfo {
  /** Name the record was found at (or `_dmarc.<domain>` when none was found). */
  name: string;
  /** Found at the organisational domain (RFC 7489 6.6.3 fallback), not at the domain itself. */
  fromOrgDomain: boolean;
  orgDomain: string;
  rcode: Rcode;
  /** Every DMARC-looking TXT value at `name`. */
  records: string[];
  record?: DmarcRecord;
  error?: DmarcError;
  warnings: DmarcError[];
  /** rua/ruf destinations outside the organisational domain and their authorisation (RFC 7489 7.1). */
  externalReports: { uri: string; reportDomain: string; authName: string; authorized: boolean; rcode: Rcode }[];
  /** The DMARCbis DNS tree walk's answers (`_dmarc.<each parent>`), for the second reading. */
  walk?: WalkStep[];
}

/** The HTTPS policy file of MTA-STS (RFC 8461 3.3), fetched only when the TXT record exists. */
export interface MtaStsPolicyInfo {
  url: string;
  /** HTTP status (0: no response, see error). */
  status: number;
  error?: { code: string; message: string };
  contentType?: string;
  bytes: number;
  truncated: boolean;
  /** Set when a 200 response arrived. */
  policy?: StsPolicy;
}

/** A provider's documented custom return-path host (providers.ts `subdomain`), as found in DNS. */
export interface ReturnPathInfo {
  provider: string;
  name: string;
  type: 'CNAME' | 'MX';
  rcode: Rcode;
  /** CNAME targets or MX exchanges found. */
  targets: string[];
  /** The SPF record at the host (null: none). */
  spf: string | null;
}

export interface DkimSelectorInfo extends Partial<DkimKeyFacts> {
  selector: string;
  /** 'config' or the provider the selector is known from. */
  source: string;
  name: string;
  found: boolean;
  /** CNAME target when the selector is delegated to a provider. */
  cname?: string;
  record?: string;
  rcode: Rcode;
}

export interface EmailPosture {
  domain: string;
  spf: { rcode: Rcode; posture: SpfPosture };
  dmarc: DmarcInfo;
  /** Only selectors that exist or were configured (unconfigured misses are dropped). */
  dkim: { tried: number; selectors: DkimSelectorInfo[] };
  mx: { rcode: Rcode; hosts: { priority: number; exchange: string }[]; nullMx: boolean };
  mtaSts: {
    rcode: Rcode; record: string | null; id?: string;
    /** Every STSv1 TXT value (several is an error, RFC 8461 3.1). */
    records?: string[];
    policy?: MtaStsPolicyInfo;
  };
  tlsRpt: { rcode: Rcode; record: string | null };
  /** BIMI assertion at default._bimi.<domain> (presence only). */
  bimi?: { rcode: Rcode; record: string | null };
  /** Custom return-path hosts of the providers that document one. */
  returnPaths?: ReturnPathInfo[];
  /** Providers named in config or recognised from SPF includes and DKIM CNAMEs. */
  providers: { name: string; source: 'config' | 'spf' | 'dkim' }[];
}
