// What a bulk fix applies: one pure predicate, shared by `memmap-lab check --fix` and the extension's Fix All
// (no imports: the extension's activation bundle takes it without the checker).

/**
 * Which findings a bulk fix applies (the extension's Fix All and `memmap-lab check --fix`): errors
 * anywhere, and warnings of the base config, except a trade-off's (`Finding.tradeOff`, from its rule or the finding: shrinking a namespace
 * to whole sections or choosing a smaller align changes what the config asks for; those fixes are offered
 * one by one). A scenario's warnings and infos are what the scenario explores (fixing "memmap on the
 * device" back to `map: mem` would make it a no-op), and infos are never applied in bulk. Each finding's
 * preferred (first) fix is the one applied.
 */
/** What makes a finding the same one after a fix: its rule, scenario and config path (the message's numbers change). */
export function findingIdentity(f: { rule: string; scenario: string | null; path: readonly (string | number)[] }): string {
  return `${f.rule}|${f.scenario}|${f.path.join('/')}`;
}

export function fixAllApplies(f: { severity: string; scenario: string | null; tradeOff?: boolean }): boolean {
  return f.severity === 'error' || (f.severity === 'warning' && f.scenario === null && f.tradeOff !== true);
}
