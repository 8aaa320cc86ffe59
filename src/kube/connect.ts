// Makes the API client for a run, over admin.conf. STUB until the init issue's client lands.

import { NotImplementedError } from '../errors.js';
import type { KubeClient } from './client.js';

export async function connect(_ctx: unknown): Promise<KubeClient> {
  throw new NotImplementedError('the Kubernetes API client');
}
