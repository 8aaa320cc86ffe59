// A profile applied to the loaded configuration: its flags, volumes and kubelet fields go where
// the user set nothing of that name, so a user's own extraArgs and KubeletConfiguration win.

import type { Arg, ControlPlaneComponent, InitConfig } from '../config/types.js';
import type { Profile } from './profiles.js';

function addArgs(component: ControlPlaneComponent, args: readonly Arg[]): void {
  for (const a of args) if (!component.extraArgs.some((u) => u.name === a.name)) component.extraArgs.push({ ...a });
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
