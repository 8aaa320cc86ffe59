// Runs the check table: every check at once (they only look), errors of ignored checks become
// warnings, --fix repairs what it safely can and checks again, and the outcome is one list.

import type { InitConfig } from '../config/types.js';
import { nodeFacts } from '../config/versions.js';
import { PreflightError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as systemd from '../host/systemd.js';
import { decideForNode, observeNode } from '../kubelet/node-decisions.js';
import { initChecks, type Finding, type PreflightCheck, type PreflightEnv, type Severity } from './checks.js';
import { fixes } from './fixes.js';
import { isIgnored } from './ignore.js';
import type { MachineProbe } from './probe.js';
import { findEarlierInit, NO_EARLIER_INIT, type EarlierInit } from './earlier-init.js';

export interface CheckResult {
  name: string;
  /** after --ignore-preflight-errors: an ignored error is a warning */
  severity: Severity;
  message: string;
  fix: string;
  ignored: boolean;
}

export interface PreflightOutcome {
  results: CheckResult[];
  /** what --fix changed on the machine */
  fixed: string[];
}

export async function preflightEnv(host: Host, cfg: InitConfig, paths: Paths, machine: MachineProbe, ignored: ReadonlySet<string>, earlierFound?: Promise<EarlierInit>): Promise<PreflightEnv> {
  const [seen, earlier] = await Promise.all([observeNode(host, cfg), earlierFound ?? findEarlierInit(host, cfg, paths)]);
  return { host, cfg, paths, machine, seen, earlier, facts: nodeFacts(cfg.kubernetesVersion.minor), decisions: decideForNode(cfg, seen, ignored) };
}

/**
 * The env for the checks that do not need what the node runs: env.seen and env.decisions
 * throw here (a check reading them must say needsNode), so those checks need not wait for
 * `kubelet --version` (0.2-0.9 s for the 90 MB binary on a busy node).
 */
function envWithoutNode(host: Host, cfg: InitConfig, paths: Paths, machine: MachineProbe, earlier: EarlierInit): PreflightEnv {
  const unknown = (field: string) => () => {
    throw new Error(`internal: a preflight check read env.${field}, which it may only do with needsNode: true`);
  };
  const env = { host, cfg, paths, machine, earlier, facts: nodeFacts(cfg.kubernetesVersion.minor) };
  return Object.defineProperties(env, { seen: { get: unknown('seen') }, decisions: { get: unknown('decisions') } }) as PreflightEnv;
}

async function runOne(check: PreflightCheck, env: PreflightEnv, ignored: ReadonlySet<string>): Promise<CheckResult[]> {
  let findings;
  try {
    findings = await check.run(env);
  } catch (e) {
    findings = [{ severity: 'error' as const, message: `the check itself failed: ${e instanceof Error ? e.message : String(e)}` }];
  }
  const ign = check.ignorable && isIgnored(ignored, check.name);
  return findings.map((f) => ({
    name: check.name,
    severity: f.severity === 'error' && ign ? 'warning' : f.severity,
    message: f.message,
    fix: check.fix(env),
    ignored: f.severity === 'error' && ign,
  }));
}

export async function runChecks(checks: PreflightCheck[], env: PreflightEnv, ignored: ReadonlySet<string>): Promise<CheckResult[]> {
  return (await Promise.all(checks.map((c) => runOne(c, env, ignored)))).flat();
}

/** IsPrivilegedUser alone, first: kubeadm fails fast before touching anything else. */
export const privilegedUserCheck: PreflightCheck = {
  name: 'IsPrivilegedUser',
  ignorable: true,
  fix: () => 'run mini-kubeadm as root (sudo mini-kubeadm ...)',
  run: async (e) => (e.machine.uid() === 0 ? [] : [{ severity: 'error', message: 'user is not running as root' }]),
};

/**
 * The whole preflight: root first, then every init check concurrently; with `fix`, failed
 * checks that have a safe fix are fixed (containerd restarted once) and checked again; then,
 * when nothing failed, the afterOthers checks (ImagePull) one by one.
 */
export async function runInitPreflight(opts: {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
  machine: MachineProbe;
  ignored: ReadonlySet<string>;
  fix: boolean;
  /** told when a check that may take a while starts (ImagePull) */
  say?: (message: string) => void;
  /** another command's table (join's); then nothing an earlier init left counts as this run's */
  checks?: PreflightCheck[];
}): Promise<PreflightOutcome> {
  const { host, cfg, ignored } = opts;
  const root = await runOne(privilegedUserCheck, envWithoutNode(host, cfg, opts.paths, opts.machine, NO_EARLIER_INIT), ignored);
  if (root.some((r) => r.severity === 'error')) return { results: root, fixed: [] };

  // the checks that need the node's answers wait for them; the others run beside
  const earlier = opts.checks ? Promise.resolve(NO_EARLIER_INIT) : findEarlierInit(host, cfg, opts.paths);
  const full = preflightEnv(host, cfg, opts.paths, opts.machine, ignored, earlier);
  // awaited below; if `earlier` fails first, its error is the one that surfaces
  full.catch(() => undefined);
  const table = opts.checks ?? initChecks(cfg);
  const checks = table.filter((c) => !c.afterOthers);
  const early = envWithoutNode(host, cfg, opts.paths, opts.machine, await earlier);
  // the afterOthers checks' first looks start now, beside the others (a failed look is no answer)
  const ahead = new Map<PreflightCheck, Promise<Finding[] | undefined>>();
  for (const c of table.filter((x) => x.afterOthers && x.lookAhead)) ahead.set(c, c.lookAhead!(early).catch(() => undefined));
  const byCheck = new Map<PreflightCheck, CheckResult[]>();
  await Promise.all(
    checks.map(async (c) => {
      byCheck.set(c, await runOne(c, c.needsNode ? await full : early, ignored));
    }),
  );
  let env = await full;
  let results = [...root, ...checks.flatMap((c) => byCheck.get(c) ?? [])];
  const fixed: string[] = [];
  if (opts.fix) {
    // an ignored error is the user's choice (e.g. keep swap): --fix leaves it alone
    const failing = checks.filter((c) => c.autoFix && results.some((r) => r.name === c.name && !r.ignored && (r.severity === 'error' || c.fixWarnings === true)));
    if (failing.length) {
      let restart = false;
      for (const c of failing) {
        try {
          const r = await fixes[c.autoFix!]({ host, cfg, facts: env.facts, decisions: env.decisions });
          fixed.push(...r.changed);
          restart ||= r.restartContainerd === true;
        } catch (e) {
          fixed.push(`could not fix ${c.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      if (restart) {
        const r = await systemd.restart(host, 'containerd');
        fixed.push(r.ok ? 'restarted containerd (systemctl restart containerd)' : `restart containerd yourself (systemctl restart containerd): ${r.output}`);
      }
      // the fixes changed what the checks look at: look again (the looks ahead too)
      ahead.clear();
      env = await preflightEnv(host, cfg, opts.paths, opts.machine, ignored, opts.checks ? Promise.resolve(NO_EARLIER_INIT) : undefined);
      results = [...root, ...(await runChecks(checks, env, ignored))];
    }
  }
  // kubeadm's order: the image pulls only once every other check passed (or was ignored)
  for (const c of table.filter((x) => x.afterOthers)) {
    if (results.some((r) => r.severity === 'error')) break;
    if (c.announce) opts.say?.(c.announce(env));
    const seen = await ahead.get(c);
    results = [...results, ...(await runOne(seen ? { ...c, run: async () => seen } : c, env, ignored))];
  }
  return { results, fixed };
}

/** The exit-2 error listing each failed check with its fix, or undefined when none failed. */
export function preflightFailure(results: CheckResult[]): PreflightError | undefined {
  const errors = results.filter((r) => r.severity === 'error');
  if (errors.length === 0) return undefined;
  const lines = errors.map((r) => `[ERROR ${r.name}]: ${r.message}\n    fix: ${r.fix}`);
  return new PreflightError(
    `preflight checks failed:\n${lines.join('\n')}`,
    `fix the above, or make a check non-fatal with --ignore-preflight-errors=${errors.map((r) => r.name).join(',')} (or run with --fix to let mini-kubeadm apply the safe fixes)`,
  );
}
