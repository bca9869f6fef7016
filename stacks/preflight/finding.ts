/** What a preflight check reports: a failure with its key path and fix, or a note for the reader. */

/** The checks, in the order they run and print. */
export type CheckName =
  | "credential"
  | "permissions"
  | "tenant kind"
  | "self-service sign-up"
  | "apps"
  | "existing objects"
  | "plugins"
  | "azure names";

export interface Finding {
  readonly check: CheckName;
  /** `fail` stops the deployment; `note` is printed and changes nothing. */
  readonly level: "fail" | "note";
  /** What is wrong (or worth knowing), in one sentence. */
  readonly problem: string;
  /** The stack config key the finding is about, e.g. `entra-signup:apps.appIds[0]`. */
  readonly key?: string;
  /** What to do about it: a command, a config change, or a doc section. */
  readonly fix?: string;
}

export const fail = (check: CheckName, problem: string, fix: string, key?: string): Finding => ({
  check,
  level: "fail",
  problem,
  fix,
  key,
});

export const note = (check: CheckName, problem: string, fix?: string, key?: string): Finding => ({
  check,
  level: "note",
  problem,
  fix,
  key,
});
