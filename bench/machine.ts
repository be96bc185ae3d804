/**
 * What the numbers were measured on: CPU model, cores, memory, Node, flags.
 *
 * Why: throughput and CPU per request only mean something next to the
 * machine and runtime that produced them, so every report starts with this.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem, availableParallelism, release, platform, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryMB: number;
  os: string;
  node: string;
  v8: string;
  nodeFlags: string[];
  nodeOptions: string;
  commit: string;
  /** 1-minute load average when the bench started: above ~0.5 something else was using the CPUs. */
  loadAverageAtStart: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what os.cpus() knows
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** The checked-out commit, with `+dirty` when src/ has uncommitted changes (others edit it concurrently). */
function commit(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'schema'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(root: string): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
    os: `${platform()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    nodeFlags: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    commit: commit(root),
    loadAverageAtStart: loadavg()[0] ?? NaN,
  };
}

export function describeMachine(m: MachineInfo): string {
  const flags = [...m.nodeFlags, m.nodeOptions].filter(Boolean).join(' ') || 'none';
  const heap = process.env.GATEWAY_HEAP_MB || '192';
  return `${m.cpuModel}, ${m.cores} cores, ${(m.totalMemoryMB / 1024).toFixed(1)} GiB RAM, ${m.os}; Node ${m.node} (V8 ${m.v8}), node flags: ${flags}; gateway: --max-old-space-size=${heap}; commit ${m.commit}; load average at start ${m.loadAverageAtStart.toFixed(2)}`;
}
