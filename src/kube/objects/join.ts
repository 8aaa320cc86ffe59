// What init prints at the end: the CA public-key pin for token discovery (sha256 of the CA's
// DER SubjectPublicKeyInfo) and kubeadm's closing text with the join commands; the same
// template, on one line, is what `token create --print-join-command` prints.

import { X509Certificate, createHash } from 'node:crypto';
import { HostError } from '../../errors.js';

export function caCertHash(caPem: string | Buffer, path = 'ca.crt'): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(caPem);
  } catch (e) {
    throw new HostError('CA_INVALID', `${path} is not a PEM certificate: ${(e as Error).message}`, 'run "mini-kubeadm init phase certs ca" (or restore the CA) and try again');
  }
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** the pin of every certificate in a PEM bundle, in order (kubeadm pins each CA a kubeconfig holds) */
export function caCertHashes(pem: string | Buffer, path = 'ca.crt'): string[] {
  const blocks = String(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new HostError('CA_INVALID', `${path} holds no PEM certificate`, 'point the kubeconfig at the cluster CA (certificate-authority-data or certificate-authority)');
  }
  return blocks.map((b) => caCertHash(b, path));
}

export interface JoinCommandInput {
  /** the command's name: kubeadm in init's text (kubeadm's join works with this cluster), mini-kubeadm for token create */
  program: string;
  /** HOST:PORT */
  endpoint: string;
  token: string;
  caHashes: readonly string[];
  controlPlane: boolean;
  /** '' for none */
  certificateKey: string;
}

/** kubeadm's joinCommandTemplate (cmd/util/join.go): a continued first line, then a tab-indented one */
export function joinCommandTemplate(j: JoinCommandInput): string {
  let cmd = `${j.program} join ${j.endpoint} --token ${j.token} \\\n\t${j.caHashes.map((h) => `--discovery-token-ca-cert-hash ${h} `).join('')}`;
  if (j.controlPlane) cmd += `\\\n\t--control-plane ${j.certificateKey ? `--certificate-key ${j.certificateKey}` : ''}`;
  return cmd;
}

/** `token create --print-join-command`: the template with every backslash-newline and tab removed; the endpoint is the server without https:// */
export function oneLineJoinCommand(j: Omit<JoinCommandInput, 'endpoint'> & { server: string }): string {
  const { server, ...rest } = j;
  return joinCommandTemplate({ ...rest, endpoint: server.replaceAll('https://', '') }).replaceAll('\\\n', '').replaceAll('\t', '');
}

export interface JoinText {
  /** HOST:PORT of admin.conf's server */
  endpoint: string;
  /** "<value withheld>" with --skip-token-print */
  token: string;
  caHash: string;
  adminConfPath: string;
  controlPlaneEndpoint: string;
  uploadCerts: boolean;
  /** "<value withheld>" with --skip-certificate-key-print; '' when there is none */
  certificateKey: string;
  /** the pod network init installed (mini-kubeadm's --cni), or undefined when the user brings one */
  podNetwork?: string;
}

export function joinCommand(j: JoinText, controlPlane: boolean): string {
  return joinCommandTemplate({ program: 'kubeadm', endpoint: j.endpoint, token: j.token, caHashes: [j.caHash], controlPlane, certificateKey: j.certificateKey });
}

/** kubeadm's initDoneTempl, with mini-kubeadm's note on join */
export function initDoneText(j: JoinText): string {
  const lines = [
    'Your Kubernetes control-plane has initialized successfully!',
    '',
    'To start using your cluster, you need to run the following as a regular user:',
    '',
    '  mkdir -p $HOME/.kube',
    `  sudo cp -i ${j.adminConfPath} $HOME/.kube/config`,
    '  sudo chown $(id -u):$(id -g) $HOME/.kube/config',
    '',
    'Alternatively, if you are the root user, you can run:',
    '',
    "  export KUBECONFIG=/etc/kubernetes/admin.conf", // kubeadm writes this path whatever --kubeconfig-dir says
    '',
    ...(j.podNetwork
      ? [`The pod network add-on (${j.podNetwork}) was installed by the addon phase; the node turns Ready once its pods run.`, '']
      : [
          'You should now deploy a pod network to the cluster.',
          'Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:',
          '  https://kubernetes.io/docs/concepts/cluster-administration/addons/',
          '',
        ]),
  ];
  if (j.controlPlaneEndpoint) {
    if (j.uploadCerts) {
      lines.push('You can now join any number of control-plane nodes running the following command on each as root:', '', `  ${joinCommand(j, true)}`, '');
      lines.push('Please note that the certificate-key gives access to cluster sensitive data, keep it secret!');
      lines.push('As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use');
      lines.push('"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.', '');
    } else {
      lines.push('You can now join any number of control-plane nodes by copying certificate authorities');
      lines.push('and service account keys on each node and then running the following as root:', '', `  ${joinCommand(j, true)}`, '');
    }
  }
  lines.push('Then you can join any number of worker nodes by running the following on each as root:', '', joinCommand(j, false), '');
  lines.push('("mini-kubeadm join" takes the same arguments, for a control-plane node and for a worker node.)', '');
  return lines.join('\n');
}
