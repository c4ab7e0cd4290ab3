/** One rule of istio.md §2.2 as data: shared by the unit tables and by cluster (e2e) checks. */
export interface RuleCase {
  /** The rule, in words. */
  readonly rule: string;
  /** A spec that satisfies the rule. */
  readonly valid: Readonly<Record<string, unknown>>;
  /** A spec that breaks it. */
  readonly invalid: Readonly<Record<string, unknown>>;
  /** Istio's message (or a prefix of it) expected for the invalid spec. */
  readonly message: string;
  /** The field path expected with the message. */
  readonly path?: string;
}
