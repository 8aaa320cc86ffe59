// `config print init-defaults`: kubeadm's default InitConfiguration + ClusterConfiguration.
// STUB until the config work lands.

import type { FlagValues } from '../config/flags.js';
import { NotImplementedError } from '../errors.js';
import type { Io } from '../io.js';

export async function printInitDefaults(_io: Io, _flags: FlagValues): Promise<void> {
  throw new NotImplementedError('config print init-defaults');
}
