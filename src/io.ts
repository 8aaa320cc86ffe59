// The process's streams and environment, passed in so tests can run the CLI in-process.

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** answers to questions (reset's y/N); absent when the caller has no input to give */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}
