// `config images list|pull`: the images kubeadm of the chosen version runs (its
// GetControlPlaneImages, as preflight's ImagePull check names them), printed as kubeadm prints
// them (text, or its output API's Images as JSON or YAML), or pulled through the CRI socket.

import type { FlagValues } from '../config/flags.js';
import { HostError } from '../errors.js';
import type { Io } from '../io.js';
import { loadNodeConfig } from './node-config.js';

export async function runImagesList(io: Io, flags: FlagValues): Promise<void> {
  const [{ cfg }, { controlPlaneImages }] = await Promise.all([loadNodeConfig(io, flags), import('../preflight/image-pull.js')]);
  const images = controlPlaneImages(cfg);
  const output = flags.output ?? 'text';
  if (output === 'text') {
    io.stdout.write(images.map((i) => `${i}\n`).join(''));
    return;
  }
  const doc = { kind: 'Images', apiVersion: 'output.kubeadm.k8s.io/v1alpha3', images };
  const { goJson, goYaml } = await import('../kube/objects/go-format.js');
  io.stdout.write(output === 'json' ? `${goJson(doc)}\n` : goYaml(doc));
}

export async function runImagesPull(io: Io, flags: FlagValues): Promise<void> {
  const { host, cfg } = await loadNodeConfig(io, flags, { detectCriSocket: true });
  const m = await import('../preflight/image-pull.js');
  const cri = await import('../host/cri.js');
  const socket = cfg.nodeRegistration.criSocket;
  const runtime = await cri.runtimeAnswers(host, socket);
  if (!runtime.ok) throw new HostError('CRI_NOT_ANSWERING', `the container runtime does not answer on ${socket}: ${runtime.detail}`, 'start it (systemctl start containerd), install crictl, or name the socket with --cri-socket');
  // kubeadm's `config images pull` pulls each image, one after another, whatever the pull policy
  const outcomes = await m.ensureImages(m.criImageRuntime(host, socket), m.controlPlaneImages(cfg), 'Always', true);
  for (const o of outcomes) if (!o.problem) io.stdout.write(`[config/images] Pulled ${o.image}\n`);
  const missing = m.missingImagesMessage(outcomes, 'Always');
  if (missing) throw new HostError('IMAGE_PULL_FAILED', missing, m.getImagesHint(cfg));
}
