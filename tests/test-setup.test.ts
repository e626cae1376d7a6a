/**
 * `npm test`'s pretest step (scripts/test-setup.sh) on a machine whose PATH has no redis-server:
 * it finds or installs one and records its path for the BullMQ proofs, or stops the run with one
 * line naming what to install. Runs the real script with a PATH made of links to every program
 * on this machine except the ones hidden.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const script = join(root, 'scripts', 'test-setup.sh');
const temp = mkdtempSync(join(tmpdir(), 'otel-test-setup-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A directory of links to every program on PATH (and node's own directory) except `hidden`. */
function pathWithout(hidden: readonly string[], name: string): string {
  const dir = join(temp, name);
  mkdirSync(dir);
  const dirs = [dirname(process.execPath), ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const from of dirs) {
    if (!from || !existsSync(from)) continue;
    for (const entry of readdirSync(from)) {
      if (hidden.includes(entry) || existsSync(join(dir, entry))) continue;
      symlinkSync(join(from, entry), join(dir, entry));
    }
  }
  return dir;
}

function run(path: string, record: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, REDIS_SERVER_RECORD: record };
  delete env.REDIS_SERVER;
  return spawnSync('bash', [script], { env, encoding: 'utf8' });
}

describe('scripts/test-setup.sh (npm pretest)', () => {
  it('with redis-server hidden from PATH, it finds the installed one (or installs it: root on Debian) and records a working binary', { timeout: 300_000 }, () => {
    const record = join(temp, 'found');
    const result = run(pathWithout(['redis-server'], 'no-redis'), record);
    expect(result.stderr).not.toContain('need redis-server');
    expect(result.status).toBe(0);
    const bin = readFileSync(record, 'utf8').trim();
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout).toMatch(/Redis server v=\d/);
  });

  it('where it can neither find nor install Redis, npm test stops with one line naming what to install', () => {
    const record = join(temp, 'none');
    const result = run(pathWithout(['redis-server', 'apt-get', 'dpkg'], 'nothing'), record);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'test-setup: the BullMQ proofs need redis-server: install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER=/path/to/redis-server',
    ]);
    expect(existsSync(record)).toBe(false);
  });
});
