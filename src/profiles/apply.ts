// A profile applied to the loaded configuration: its flags, volumes and kubelet fields go where
// the user set nothing of that name, so a user's own extraArgs and KubeletConfiguration win.
// One flag is a list that adds up instead: the admission plugins the user enables get the
// profile's as well, except those the user's disable-admission-plugins names (a user's value
// with a mergeMethod, v1 API, is a fragment of kubeadm's default and is left as it is).

import type { Arg, ControlPlaneComponent, InitConfig } from '../config/types.js';
import type { Profile } from './profiles.js';

/** flags whose value is a comma-separated list that the profile's items join, and the flag whose list takes items out */
const LIST_FLAGS: Readonly<Record<string, string>> = { 'enable-admission-plugins': 'disable-admission-plugins' };

const items = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

function addArgs(component: ControlPlaneComponent, args: readonly Arg[]): void {
  for (const a of args) {
    const users = component.extraArgs.filter((u) => u.name === a.name);
    if (users.length === 0) {
      component.extraArgs.push({ ...a });
      continue;
    }
    const against = LIST_FLAGS[a.name];
    const user = users[users.length - 1]!;
    if (against === undefined || user.mergeMethod !== undefined) continue;
    const out = new Set(component.extraArgs.filter((u) => u.name === against).flatMap((u) => items(u.value)));
    const have = items(user.value);
    const add = items(a.value).filter((i) => !have.includes(i) && !out.has(i));
    if (add.length > 0) user.value = [...have, ...add].join(',');
  }
}

export function applyProfile(cfg: InitConfig, profile: Profile): void {
  addArgs(cfg.apiServer, profile.args.apiServer);
  addArgs(cfg.controllerManager, profile.args.controllerManager);
  addArgs(cfg.scheduler, profile.args.scheduler);
  for (const v of profile.apiServerVolumes) {
    if (!cfg.apiServer.extraVolumes.some((u) => u.name === v.name)) cfg.apiServer.extraVolumes.push({ ...v });
  }
  cfg.kubeletConfiguration = { ...profile.kubelet, ...(cfg.kubeletConfiguration ?? {}) };
}
