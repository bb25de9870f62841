/**
 * Static checks of deploy/ (no container engine or cluster runs here): every YAML file parses;
 * the compose brokers' ids, peers, ports, advertised addresses and volumes agree; the
 * Kubernetes StatefulSet's replicas agree with its peers list, Service, PodDisruptionBudget,
 * probes and ConfigMap; the Dockerfile runs the built CLI; the systemd unit's ExecStart is a
 * `brook broker start` command line. Command lines and config files go through the real CLI
 * parser and the real config parser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  brokerStartOptions,
  withEnvironment,
  type BrokerStartFlags,
} from '../../../src/cli/commands/broker.js';
import { peerList, type PeerSpec } from '../../../src/cli/parse.js';
import {
  applyConfig,
  DEFAULT_BROKER_CONFIG,
  type BrokerConfig,
} from '../../../src/server/config.js';

const ROOT = join(import.meta.dirname, '../../..');
const DEPLOY = join(ROOT, 'deploy');

type Yaml = Record<string, unknown>;

function read(path: string): string {
  return readFileSync(join(DEPLOY, path), 'utf8');
}

function yamlFile(path: string): Yaml {
  return parseYaml(read(path), { merge: true }) as Yaml;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

/** Parses `brook broker start` arguments with the CLI's own option definitions. */
function parseBrokerStart(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): BrokerStartFlags {
  const command = brokerStartOptions(
    new Command('start').exitOverride().configureOutput({ writeErr: () => undefined }),
  );
  command.parse([...args], { from: 'user' });
  return withEnvironment(command.opts<BrokerStartFlags>(), env, command);
}

/** A broker config file through the broker's own config parser (unknown keys refused). */
function brokerConfig(json: string): BrokerConfig {
  return applyConfig(DEFAULT_BROKER_CONFIG, JSON.parse(json) as Record<string, unknown>);
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function at(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

describe('every YAML file under deploy/ parses', () => {
  const files = filesUnder(DEPLOY).filter((path) => /\.ya?ml$/.test(path));

  it('finds the manifests', () => {
    expect(files.map((path) => relative(DEPLOY, path)).sort()).toEqual([
      'compose.yml',
      'k8s/configmap.yaml',
      'k8s/kustomization.yaml',
      'k8s/pdb.yaml',
      'k8s/service.yaml',
      'k8s/statefulset.yaml',
    ]);
  });

  it.each(files.map((path) => [relative(DEPLOY, path)]))('%s', (path) => {
    for (const document of parseAllDocuments(read(path), { merge: true })) {
      expect(document.errors).toEqual([]);
      expect(document.warnings).toEqual([]);
      expect(document.toJS()).toBeTypeOf('object');
    }
  });
});

describe('compose.yml', () => {
  const compose = yamlFile('compose.yml');
  const services = at(compose, 'services') as Record<string, Yaml>;
  const brokers = Object.entries(services).filter(([name]) => name.startsWith('broker-'));
  const environmentOf = (service: Yaml): Record<string, string> =>
    at(service, 'environment') as Record<string, string>;

  it('runs three brokers that name the same peers, one entry per broker', () => {
    expect(brokers).toHaveLength(3);
    const peerLists = brokers.map(([, service]) => environmentOf(service)['BROOK_PEERS']);
    expect(new Set(peerLists).size).toBe(1);
    const peers = peerList(peerLists[0] ?? '');
    expect(peers.map((peer) => peer.id).sort()).toEqual([1, 2, 3]);
  });

  it.each(brokers.map(([name, service]) => [name, service] as const))(
    '%s: id, listener, advertised address, published port and peers entry agree',
    (name, service) => {
      const environment = environmentOf(service);
      const flags = parseBrokerStart(['--config', '/dev/null'], environment);
      const peers = flags.peers ?? [];
      const own = peers.find((peer) => peer.id === flags.id);
      expect(flags.id).toBe(Number(name.slice('broker-'.length)));
      expect(at(service, 'hostname')).toBe(name);
      expect(own?.address).toBe(`${name}:${portOf(flags.listen ?? '')}`);
      expect(flags.advertisedAddress).toBe(own?.address);
      const port = portOf(flags.listen ?? '');
      expect(at(service, 'ports')).toEqual([`${port}:${port}`]);
    },
  );

  it('gives every broker a volume of its own at the data directory the image uses', () => {
    const dockerfileDataDir = /BROOK_DATA_DIR=(\S+)/.exec(read('Dockerfile'))?.[1];
    const declared = Object.keys(at(compose, 'volumes') as Record<string, unknown>);
    const mounted = brokers.map(([, service]) => {
      const volumes = at(service, 'volumes') as string[];
      expect(volumes).toHaveLength(1);
      const [source, target] = (volumes[0] ?? '').split(':');
      expect(target).toBe(dockerfileDataDir);
      return source;
    });
    expect(new Set(mounted).size).toBe(brokers.length);
    expect(mounted.every((volume) => volume !== undefined && declared.includes(volume))).toBe(true);
  });

  it('builds the image from deploy/Dockerfile with the repository as context', () => {
    for (const [, service] of brokers) {
      const context = at(service, 'build', 'context') as string;
      const dockerfile = at(service, 'build', 'dockerfile') as string;
      expect(existsSync(join(DEPLOY, context, dockerfile))).toBe(true);
      expect(existsSync(join(DEPLOY, context, 'package.json'))).toBe(true);
    }
  });

  it('points the CLI service at every broker', () => {
    const bootstrap = at(services, 'cli', 'environment', 'BROOK_BOOTSTRAP') as string;
    const peers = peerList(environmentOf(brokers[0]?.[1] ?? {})['BROOK_PEERS'] ?? '');
    expect(bootstrap.split(',').sort()).toEqual(peers.map((peer) => peer.address).sort());
  });
});

describe('Kubernetes manifests', () => {
  const statefulSet = yamlFile('k8s/statefulset.yaml');
  const service = yamlFile('k8s/service.yaml');
  const pdb = yamlFile('k8s/pdb.yaml');
  const configMap = yamlFile('k8s/configmap.yaml');
  const kustomization = yamlFile('k8s/kustomization.yaml');
  const pod = at(statefulSet, 'spec', 'template') as Yaml;
  const container = at(pod, 'spec', 'containers', 0) as Yaml;
  const env = at(container, 'env') as { name: string; value?: string; valueFrom?: Yaml }[];
  const envValue = (name: string): string | undefined =>
    env.find((entry) => entry.name === name)?.value;
  const replicas = at(statefulSet, 'spec', 'replicas') as number;
  const name = at(statefulSet, 'metadata', 'name') as string;
  const serviceName = at(statefulSet, 'spec', 'serviceName') as string;
  const grpcPort = (at(container, 'ports') as { name: string; containerPort: number }[]).find(
    (port) => port.name === 'grpc',
  )?.containerPort;
  const podLabels = at(pod, 'metadata', 'labels') as Record<string, string>;

  it('lists every manifest in the kustomization', () => {
    const resources = at(kustomization, 'resources') as string[];
    expect(resources.sort()).toEqual(
      ['configmap.yaml', 'pdb.yaml', 'service.yaml', 'statefulset.yaml'].sort(),
    );
  });

  it('names one peer per replica, at its stable DNS name, with the pod ordinal as id', () => {
    const peers: PeerSpec[] = peerList(envValue('BROOK_PEERS') ?? '');
    expect(replicas).toBe(3);
    expect(peers).toEqual(
      Array.from({ length: replicas }, (_, ordinal) => ({
        id: ordinal,
        address: `${name}-${ordinal}.${serviceName}:${grpcPort}`,
      })),
    );
    expect(
      at(
        env.find((entry) => entry.name === 'BROOK_BROKER_ID'),
        'valueFrom',
      ),
    ).toEqual({
      fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" },
    });
    expect(envValue('BROOK_ADVERTISED_ADDRESS')).toBe(`$(POD_NAME).${serviceName}:${grpcPort}`);
    expect(
      at(
        env.find((entry) => entry.name === 'POD_NAME'),
        'valueFrom',
      ),
    ).toEqual({
      fieldRef: { fieldPath: 'metadata.name' },
    });
    // What the broker of pod 1 receives parses with the CLI, and advertises its own peer entry.
    const args = at(container, 'args') as string[];
    expect(args.slice(0, 2)).toEqual(['broker', 'start']);
    const flags = parseBrokerStart(args.slice(2), {
      BROOK_BROKER_ID: '1',
      BROOK_ADVERTISED_ADDRESS: `${name}-1.${serviceName}:${grpcPort}`,
      BROOK_PEERS: envValue('BROOK_PEERS'),
      BROOK_CONFIG: envValue('BROOK_CONFIG'),
    });
    expect(flags.advertisedAddress).toBe(peers[1]?.address);
  });

  it('is governed by a headless Service that selects its pods on the gRPC port', () => {
    expect(at(service, 'metadata', 'name')).toBe(serviceName);
    expect(at(service, 'spec', 'clusterIP')).toBe('None');
    expect(at(service, 'spec', 'publishNotReadyAddresses')).toBe(true);
    expect(at(service, 'spec', 'selector')).toEqual(
      at(statefulSet, 'spec', 'selector', 'matchLabels'),
    );
    expect(at(service, 'spec', 'ports', 0, 'port')).toBe(grpcPort);
    expect(at(service, 'spec', 'ports', 0, 'targetPort')).toBe('grpc');
    for (const [key, value] of Object.entries(at(service, 'spec', 'selector') as object)) {
      expect(podLabels[key]).toBe(value);
    }
  });

  it('allows one broker down at a time, which keeps a majority of the voters', () => {
    expect(at(pdb, 'spec', 'maxUnavailable')).toBe(1);
    expect(at(pdb, 'spec', 'selector', 'matchLabels')).toEqual(
      at(statefulSet, 'spec', 'selector', 'matchLabels'),
    );
    expect(replicas - 1).toBeGreaterThan(replicas / 2);
  });

  it('probes readiness, liveness and start-up through the gRPC health service', () => {
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(at(container, probe, 'grpc', 'port')).toBe(grpcPort);
    }
  });

  it('mounts a ConfigMap whose broker config parses and agrees with the pod', () => {
    const configPath = envValue('BROOK_CONFIG') ?? '';
    const mounts = at(container, 'volumeMounts') as { name: string; mountPath: string }[];
    const configMount = mounts.find((mount) => configPath.startsWith(`${mount.mountPath}/`));
    expect(configMount).toBeDefined();
    const volume = (at(pod, 'spec', 'volumes') as { name: string; configMap?: Yaml }[]).find(
      (entry) => entry.name === configMount?.name,
    );
    expect(at(volume, 'configMap', 'name')).toBe(at(configMap, 'metadata', 'name'));
    const fileName = configPath.slice((configMount?.mountPath.length ?? 0) + 1);
    const config = brokerConfig(at(configMap, 'data', fileName) as string);
    expect(portOf(config.listen)).toBe(grpcPort);
    const dataMount = mounts.find((mount) => mount.mountPath === config.dataDir);
    const claims = at(statefulSet, 'spec', 'volumeClaimTemplates') as Yaml[];
    expect(claims.map((claim) => at(claim, 'metadata', 'name'))).toContain(dataMount?.name);
  });

  it('sets resources and runs as a non-root user', () => {
    expect(at(container, 'resources', 'requests', 'cpu')).toBeDefined();
    expect(at(container, 'resources', 'requests', 'memory')).toBeDefined();
    expect(at(container, 'resources', 'limits', 'memory')).toBeDefined();
    expect(at(pod, 'spec', 'securityContext', 'runAsNonRoot')).toBe(true);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line));
  const stages = instructions.filter((line) => line.startsWith('FROM '));
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1) ?? ''));
  const jsonOf = (keyword: string): string[] =>
    JSON.parse(
      runtime.find((line) => line.startsWith(`${keyword} `))?.slice(keyword.length) ?? '[]',
    ) as string[];

  it('builds in stages on Node 20 and runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20[-.\w]* AS [\w-]+$/);
    expect(instructions).toContain('RUN npm ci --no-audit --no-fund');
    expect(instructions).toContain('RUN npm run build');
    expect(runtime).toContain('USER node');
  });

  it('starts a broker with the built CLI, with its flags from the environment', () => {
    const entrypoint = jsonOf('ENTRYPOINT');
    const command = jsonOf('CMD');
    expect(entrypoint).toEqual(['node', '/app/dist/cli/main.js']);
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(`/app/${packageJson.bin['brook'] ?? ''}`).toBe(entrypoint[1]);
    expect(runtime).toContain('COPY --from=build /src/dist ./dist');
    expect(command.slice(0, 2)).toEqual(['broker', 'start']);
    const env: Record<string, string> = {};
    for (const match of text.matchAll(/(BROOK_[A-Z_]+)=(\S+)/g)) {
      if (match[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2];
    }
    const flags = parseBrokerStart(command.slice(2), env);
    expect(flags.id).toBe(1);
    const port = portOf(flags.listen ?? '');
    expect(runtime).toContain(`EXPOSE ${port}`);
    expect(runtime).toContain(`VOLUME ["${flags.data ?? ''}"]`);
  });

  it('checks health through the gRPC health service', () => {
    const healthcheck = runtime.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(/CMD node \/app\/dist\/cli\/main\.js health /);
  });
});

describe('systemd unit', () => {
  const unit = read('systemd/brook@.service');
  const sharedEnv = Object.fromEntries(
    read('systemd/brook.env')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const setting = (key: string): string | undefined =>
    new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

  it('ExecStart is a `brook broker start` command line for instance N', () => {
    const expanded = (setting('ExecStart') ?? '')
      .replaceAll('%i', '2')
      .replace(/\$\{(\w+)\}/g, (_, name: string) => sharedEnv[name] ?? '');
    const [node, cli, ...args] = expanded.split(/\s+/);
    expect(node).toBe('/usr/bin/node');
    expect(cli).toMatch(/\/dist\/cli\/main\.js$/);
    expect(args.slice(0, 2)).toEqual(['broker', 'start']);
    const flags = parseBrokerStart(args.slice(2));
    expect(flags.id).toBe(2);
    expect(flags.data).toBe('/var/lib/brook/broker-2');
    expect(flags.peers?.map((peer) => peer.id)).toContain(2);
    expect(flags.config).toBe('/etc/brook/broker.json');
  });

  it('ships a broker config that parses and an advertised address among the peers', () => {
    brokerConfig(read('systemd/broker.json'));
    const peers = peerList(sharedEnv['BROOK_PEERS'] ?? '');
    const advertised = /^BROOK_ADVERTISED_ADDRESS=(.*)$/m.exec(read('systemd/broker-1.env'))?.[1];
    expect(peers.find((peer) => peer.id === 1)?.address).toBe(advertised);
  });

  it('stops the broker with SIGTERM and gives it time, and restarts it on failure', () => {
    expect(setting('KillSignal')).toBe('SIGTERM');
    expect(Number(setting('TimeoutStopSec'))).toBeGreaterThanOrEqual(20);
    expect(setting('Restart')).toBe('on-failure');
    expect(setting('User')).toBe('brook');
  });
});
