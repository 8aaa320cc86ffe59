// What a rendered static pod must be before it is written: the shape the kubelet needs and
// the invariants kubeadm's manifests keep (one container, every mount backed by a volume,
// named probe ports declared), so a broken template never reaches /etc/kubernetes/manifests.

export interface Probe {
  httpGet: { host?: string; path: string; port: number | string; scheme: string };
  initialDelaySeconds?: number;
  timeoutSeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  command: string[];
  env?: { name: string; value: string }[];
  ports?: { name: string; containerPort: number; protocol: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources: { requests: Record<string, string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface StaticPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    hostNetwork: boolean;
    priority: number;
    priorityClassName: string;
    securityContext: { seccompProfile: { type: string } };
    volumes: { name: string; hostPath: { path: string; type: string } }[];
  };
  status: Record<string, never>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function dupes(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** Problems found, in words; [] when the pod is fine. */
export function validateStaticPod(doc: unknown, component: string): string[] {
  const p: string[] = [];
  if (!isObj(doc)) return ['not a mapping'];
  if (doc.apiVersion !== 'v1' || doc.kind !== 'Pod') p.push('apiVersion/kind must be v1/Pod');
  const md = doc.metadata;
  if (!isObj(md) || md.name !== component || md.namespace !== 'kube-system') p.push(`metadata must name ${component} in kube-system`);
  else if (!isObj(md.labels) || md.labels.component !== component || md.labels.tier !== 'control-plane') p.push('labels component/tier missing');
  const spec = doc.spec;
  if (!isObj(spec)) return [...p, 'spec missing'];
  if (spec.hostNetwork !== true) p.push('spec.hostNetwork must be true');
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length !== 1 || !isObj(containers[0])) return [...p, 'exactly one container expected'];
  const c = containers[0];
  if (c.name !== component) p.push(`container must be named ${component}`);
  if (typeof c.image !== 'string' || !/^[^\s:]+(:\d+)?(\/[^\s:]+)*:[\w][\w.-]{0,127}$/.test(c.image)) p.push(`image ${String(c.image)} is not REPO/NAME:TAG`);
  if (!['Always', 'IfNotPresent', 'Never'].includes(String(c.imagePullPolicy))) p.push(`imagePullPolicy ${String(c.imagePullPolicy)}`);
  const cmd = c.command;
  if (!Array.isArray(cmd) || cmd[0] !== component || !cmd.every((w) => typeof w === 'string')) p.push(`command must start with ${component}`);
  else {
    const bad = cmd.slice(1).filter((w) => !/^--[^=\s]+=/.test(w));
    if (bad.length > 0) p.push(`arguments not in --name=value form: ${bad.join(' ')}`);
  }
  const volumes = Array.isArray(spec.volumes) ? spec.volumes.filter(isObj) : [];
  const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isObj) : [];
  const volNames = volumes.map((v) => String(v.name));
  const mountNames = mounts.map((m) => String(m.name));
  for (const d of dupes(volNames)) p.push(`volume ${d} declared twice`);
  for (const d of dupes(mountNames)) p.push(`volume mount ${d} declared twice`);
  for (const m of mounts) {
    if (!volNames.includes(String(m.name))) p.push(`mount ${String(m.name)} has no volume`);
    if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) p.push(`mount ${String(m.name)} needs an absolute mountPath`);
  }
  for (const v of volumes) {
    if (!isObj(v.hostPath) || typeof v.hostPath.path !== 'string' || !v.hostPath.path.startsWith('/')) p.push(`volume ${String(v.name)} needs an absolute hostPath.path`);
  }
  const portNames = Array.isArray(c.ports) ? c.ports.filter(isObj).map((x) => x.name) : [];
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = c[key];
    if (probe === undefined) continue;
    if (!isObj(probe) || !isObj(probe.httpGet)) {
      p.push(`${key} needs httpGet`);
      continue;
    }
    const port = probe.httpGet.port;
    if (typeof port === 'string' && !portNames.includes(port)) p.push(`${key} names port ${port} that the container does not declare`);
    if (typeof port !== 'string' && typeof port !== 'number') p.push(`${key} has no port`);
    for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'failureThreshold'])
      if (probe[f] !== undefined && (!Number.isInteger(probe[f]) || (probe[f] as number) < 0)) p.push(`${key}.${f} must be a whole number`);
  }
  if (c.livenessProbe === undefined || c.startupProbe === undefined) p.push('liveness and startup probes are required');
  return p;
}
