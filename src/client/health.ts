/**
 * One call of the standard gRPC health service (grpc.health.v1.Health/Check) on one broker, as a
 * Kubernetes probe or a container HEALTHCHECK would make it: `brook health` and start-up waits
 * use it. It opens its own channel and closes it before resolving, so it keeps nothing alive.
 *
 * Resolves with the serving status the broker reports ("SERVING", "NOT_SERVING", ...); rejects
 * with a BrookError when the broker cannot be reached or does not know the service.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { fromServiceError } from '../protocol/grpc.js';

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthCheckOptions {
  /** The service to ask about; '' (the default) is the broker as a whole. */
  readonly service?: string;
  /** Deadline of the call (default 5 s). */
  readonly timeoutMs?: number;
}

interface HealthCheckResponse {
  readonly status: HealthStatus;
}

type HealthClient = grpc.Client & {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: grpc.requestCallback<HealthCheckResponse>,
  ): grpc.ClientUnaryCall;
};

type HealthClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
) => HealthClient;

let constructorCache: HealthClientConstructor | undefined;

function healthClientConstructor(): HealthClientConstructor {
  if (constructorCache === undefined) {
    const definition = protoLoader.loadSync(healthProtoPath, {
      keepCase: true,
      enums: String,
      defaults: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: HealthClientConstructor } } };
    };
    constructorCache = loaded.grpc.health.v1.Health;
  }
  return constructorCache;
}

/** Asks the broker at `address` (host:port) for its serving status. */
export function checkHealth(
  address: string,
  options: HealthCheckOptions = {},
): Promise<HealthStatus> {
  const Health = healthClientConstructor();
  const client = new Health(address, grpc.credentials.createInsecure());
  const deadline = new Date(Date.now() + (options.timeoutMs ?? 5_000));
  return new Promise<HealthStatus>((resolve, reject) => {
    client.check({ service: options.service ?? '' }, { deadline }, (error, response) => {
      client.close();
      if (error !== null || response === undefined) reject(fromServiceError(error));
      else resolve(response.status);
    });
  });
}
