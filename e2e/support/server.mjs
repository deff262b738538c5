// Starts a real fairline-server on a free loopback port for one test file, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the server; resolves to { baseUrl, stop() } once it prints its bound address. */
export async function startServer({ campaign = 'campaigns/kr-covid19-2021-07.toml', extraArgs = [] } = {}) {
  const binary = process.env.FAIRLINE_SERVER_BIN ?? path.join(repoRoot, 'target/debug/fairline-server');
  const dist = process.env.FAIRLINE_DIST ?? path.join(repoRoot, 'dist');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fairline-e2e-'));
  const child = spawn(
    binary,
    ['serve', '--campaign', path.join(repoRoot, campaign), '--listen', '127.0.0.1:0', '--static', dist,
      '--data', dataDir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
  return {
    baseUrl,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
