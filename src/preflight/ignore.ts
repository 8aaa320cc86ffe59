// --ignore-preflight-errors as kubeadm reads it: check names, case-insensitive, or "all".

/** The normalised ignore set from flag/config values ("Swap,NumCPU", ["all"], ...). */
export function ignoreSet(values: readonly string[]): Set<string> {
  return new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
}

export function isIgnored(ignored: ReadonlySet<string>, checkName: string): boolean {
  return ignored.has('all') || ignored.has(checkName.toLowerCase());
}

/** The checks this run ignores: the config's nodeRegistration.ignorePreflightErrors plus the flag. */
export function ignoredChecks(configured: readonly string[], flag: unknown): Set<string> {
  return ignoreSet([...configured, ...(typeof flag === 'string' ? [flag] : [])]);
}
