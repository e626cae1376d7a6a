/**
 * The harness's OpenTelemetry packages are optional peer dependencies: each is imported only when
 * a capture needs it. A missing one becomes one line that names the package to install and what it
 * is needed for, instead of Node's `Cannot find package ..` with a stack of loader frames.
 */

/** Thrown when a peer dependency the capture needs is not installed. */
export class MissingPeerError extends Error {
  readonly packageName: string;
  constructor(packageName: string, neededFor: string, cause: unknown) {
    super(`${neededFor} needs ${packageName}, which is not installed: npm install --save-dev ${packageName}`, { cause });
    this.name = 'MissingPeerError';
    this.packageName = packageName;
  }
}

/** The package a module-not-found error is about (`@scope/name` or `name`), if it is one. */
export function missingPackageOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Runs `load` (a dynamic import of a peer); a missing package, the peer itself or one it imports,
 * becomes a MissingPeerError naming it.
 */
export async function importPeer<T>(load: () => Promise<T>, neededFor: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const name = missingPackageOf(error);
    if (name !== undefined) throw new MissingPeerError(name, neededFor, error);
    throw error;
  }
}
