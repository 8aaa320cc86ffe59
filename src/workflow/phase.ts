// What a phase is: a value with a name, a one-line description, the flags it reads, an
// optional run, and children. The tree of these values is the whole workflow (kubeadm's Phase).

export interface Phase<C> {
  /** kubeadm's name, e.g. "certs" or "apiserver-kubelet-client" */
  name: string;
  /** one line, kubeadm's wording where it has one */
  short: string;
  long?: string;
  example?: string;
  /** names from the flags table this phase reads; `init` gets the union */
  flags?: readonly string[];
  children?: readonly Phase<C>[];
  /** kept out of --help (kubeadm hides some phases for some minors) */
  hidden?: boolean;
  /** no automatic `all` child (kubeadm's etcd phase has none) */
  noAll?: boolean;
  /** a reason to skip this phase for this context, or undefined to run it */
  skipReason?: (ctx: C) => string | undefined;
  /** runs before the children, if any */
  run?: (ctx: C) => Promise<void>;
}

/** A phase at its place in the tree. */
export interface PlacedPhase<C> {
  phase: Phase<C>;
  /** "certs/apiserver" */
  path: string;
  depth: number;
  parent?: PlacedPhase<C>;
}
