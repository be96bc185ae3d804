/**
 * Subscriptions over WebSocket: the `graphql-transport-ws` protocol
 * (graphql-ws) on `ws` sockets, at the same paths and on the same schemas
 * as GraphQL over HTTP. The HTTP server only hands its upgrades here.
 *
 * A connection's life:
 * 1. the upgrade is checked (upgrade.ts: path, draining, load, Origin);
 * 2. `connection_init` says who it is (auth.ts: 4401 for a bad token; the
 *    token's expiry closes it with 4403 unless the client re-authenticates);
 * 3. each `subscribe` is admitted like an HTTP request (admission.ts:
 *    trusted documents, limits) and capped (SUBSCRIPTIONS_PER_CONNECTION,
 *    SUBSCRIPTIONS_PER_INSTANCE), then runs with a fresh context per event
 *    (execution.ts), its events queued in a bounded queue (queue.ts);
 * 4. pings drop dead peers (heartbeat.ts); a graceful shutdown closes every
 *    socket with 1001, so clients reconnect to another instance.
 * Errors are masked as over HTTP (graphql/errorMasking.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { handleProtocols, makeServer, type ExecutionResult, type FormattedExecutionResult, type SubscribePayload, type WebSocket as ProtocolSocket } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { FRONTENDS, type Frontend, type OperationLimits, type SubscriptionOptions, type TrustedDocumentsMode } from '../config';
import type { VerifyToken } from '../context/auth';
import type { KnownIdentity } from '../context/createContext';
import type { OperationContext, RequestRecord } from '../context/requestContext';
import { localeFromAcceptLanguage } from '../domain/locale';
import { resourceLimitExceeded } from '../errors/catalogue';
import type { TrustedDocuments } from '../graphql/trustedDocuments';
import type { Logger } from '../logging/logger';
import { admitSubscription } from './admission';
import { clip, CloseCode, ConnectionAuth } from './auth';
import { subscribeWithEventContexts } from './execution';
import { SUBSCRIPTION_FIELDS } from './liveHub';
import { Heartbeat } from './heartbeat';
import type { Timers } from './timers';
import { decideUpgrade, refuseUpgrade, type UpgradeRules } from './upgrade';

export interface FrontendSubscriptions {
  schema: GraphQLSchema;
  trusted: TrustedDocuments;
  /** A context for an identity the connection verified (context/createContext.ts). */
  buildContext: (identity: KnownIdentity) => OperationContext;
}

export interface SubscriptionMetrics {
  /** An event was resolved and handed to its socket. */
  delivered(field: string): void;
  /** A subscription was refused by a protection (the rejections metric's reasons). */
  rejected(frontend: Frontend, reason: string): void;
  /** An untrusted document runs (TRUSTED_DOCUMENTS=log). */
  untrusted(frontend: Frontend): void;
}

export interface SubscriptionServerOptions {
  frontends: Record<Frontend, FrontendSubscriptions>;
  settings: SubscriptionOptions;
  mode: TrustedDocumentsMode;
  limits: OperationLimits;
  /** Masks "Did you mean …?" in validation errors (production), or null. */
  hideSuggestions: ((errors: readonly GraphQLError[]) => void) | null;
  verify: VerifyToken;
  rules: UpgradeRules;
  /** The client's address as the HTTP side sees it (TRUST_PROXY): whose budgets, in the contexts. */
  addressOf: (req: IncomingMessage) => string;
  /** Largest message a client may send (MAX_BODY_BYTES); a larger one closes the socket with 1009. */
  maxMessageBytes: number;
  /** What a client may see of an error, as over HTTP (graphql/errorMasking.ts). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: SubscriptionMetrics;
  logger: Logger;
  timers: Timers;
}

interface Connection {
  id: string;
  frontend: Frontend;
  socket: WebSocket;
  auth: ConnectionAuth;
  locale: string;
  clientAddress: string;
  /** Its running subscriptions: id → root field. */
  subscriptions: Map<string, string>;
  closing: boolean;
}

const GOING_AWAY = 'This gateway instance is shutting down: reconnect (to another instance).';

export class SubscriptionServer {
  private readonly wss: WebSocketServer;
  private readonly protocol;
  private readonly heartbeat: Heartbeat;
  private readonly connections = new Set<Connection>();
  private readonly operations = new WeakMap<object, { connection: Connection; field: string }>();
  private readonly active = new Map<string, number>(SUBSCRIPTION_FIELDS.map((field) => [field, 0]));
  private activeTotal = 0;
  private accepting = true;

  constructor(private readonly options: SubscriptionServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => handleProtocols(protocols),
    });
    this.heartbeat = new Heartbeat(options.timers, options.settings.pingIntervalMs, () => options.logger.debug('a WebSocket peer stopped answering pings: dropped'));
    this.protocol = makeServer<Record<string, unknown> | undefined, Connection>({
      connectionInitWaitTimeout: options.settings.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const result = await ctx.extra.auth.init(ctx.connectionParams);
        if (result.ok) return true;
        this.closeWith(ctx.extra, result.code, result.reason);
        return false;
      },
      onSubscribe: (ctx, id, payload) => this.admit(ctx.extra, id, payload),
      subscribe: (args) => this.run(args),
      onNext: (_ctx, _id, _payload, _args, result) => this.format(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => options.formatError(e.toJSON(), e)),
      onComplete: (ctx, id) => this.release(ctx.extra, id),
      onClose: (ctx) => {
        for (const id of [...ctx.extra.subscriptions.keys()]) this.release(ctx.extra, id);
        ctx.extra.auth.stop();
      },
    });
  }

  /** The HTTP server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const decision = decideUpgrade(req, { ...this.options.rules, accepting: () => this.accepting && this.options.rules.accepting() });
    if (!('frontend' in decision)) {
      refuseUpgrade(socket, decision);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, req, decision.frontend));
  }

  /** Open sockets per frontend, and running subscriptions per root field. */
  stats(): { sockets: Record<Frontend, number>; subscriptions: Record<string, number> } {
    const sockets = Object.fromEntries(FRONTENDS.map((f) => [f, 0])) as Record<Frontend, number>;
    for (const connection of this.connections) sockets[connection.frontend]++;
    return { sockets, subscriptions: Object.fromEntries(this.active) };
  }

  /** Graceful shutdown: no new sockets, and every open one closed with 1001 (cut after `timeoutMs`). */
  async goAway(timeoutMs = 2000): Promise<void> {
    this.accepting = false;
    const open = [...this.connections];
    await new Promise<void>((resolve) => {
      let left = open.length;
      if (left === 0) return resolve();
      const cut = setTimeout(() => {
        for (const connection of open) connection.socket.terminate();
        resolve();
      }, timeoutMs);
      cut.unref();
      for (const connection of open) {
        connection.socket.once('close', () => {
          if (--left === 0) {
            clearTimeout(cut);
            resolve();
          }
        });
        this.closeWith(connection, CloseCode.GoingAway, GOING_AWAY);
      }
    });
  }

  /** Closes at once: every socket is cut. */
  close(): void {
    this.accepting = false;
    this.heartbeat.stop();
    for (const connection of this.connections) connection.socket.terminate();
    this.wss.close();
  }

  private open(socket: WebSocket, req: IncomingMessage, frontend: Frontend): void {
    const connection: Connection = {
      id: randomUUID(),
      frontend,
      socket,
      auth: new ConnectionAuth(this.options.verify, this.options.timers, (code, reason) => this.closeWith(connection, code, reason)),
      locale: localeFromAcceptLanguage(req.headers['accept-language']),
      clientAddress: this.options.addressOf(req),
      subscriptions: new Map(),
      closing: false,
    };
    this.connections.add(connection);
    this.heartbeat.watch(socket);
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'WebSocket error'));
    const adapter: ProtocolSocket = {
      protocol: socket.protocol,
      send: (data) =>
        new Promise<void>((resolve) => {
          if (socket.readyState !== socket.OPEN) return resolve();
          // Resolves once written to the kernel: graphql-ws asks for the next event only then (backpressure).
          socket.send(data, () => resolve());
        }),
      close: (code, reason) => this.closeWith(connection, code ?? 1000, reason ?? ''),
      onMessage: (handle) =>
        socket.on('message', (data) => {
          handle(String(data)).catch((error: unknown) => {
            this.options.logger.error({ err: error }, 'a WebSocket message failed');
            this.closeWith(connection, 4500, 'Internal server error');
          });
        }),
      onPing: (payload) => this.ping(connection, payload),
    };
    const closed = this.protocol.opened(adapter, connection);
    socket.once('close', (code, reason) => {
      this.connections.delete(connection);
      void closed(code, String(reason));
    });
  }

  /** A Subscribe message: capped, admitted, and given its setup context. */
  private admit(connection: Connection, id: string, payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
    const { settings, frontends, metrics } = this.options;
    const { frontend } = connection;
    const perConnection = connection.subscriptions.size;
    if (settings.maxPerConnection > 0 && perConnection >= settings.maxPerConnection) {
      const message = `A connection may run at most ${settings.maxPerConnection} subscriptions at once; it runs ${perConnection}: complete one first.`;
      return [resourceLimitExceeded('subscriptionsPerConnection', settings.maxPerConnection, perConnection + 1, message)];
    }
    if (settings.maxPerInstance > 0 && this.activeTotal >= settings.maxPerInstance) {
      const message = `This instance runs at most ${settings.maxPerInstance} subscriptions at once and is full: connect again (to another instance).`;
      return [resourceLimitExceeded('subscriptionsPerInstance', settings.maxPerInstance, this.activeTotal + 1, message)];
    }
    const { schema, trusted } = frontends[frontend];
    const admitted = admitSubscription(
      {
        frontend,
        schema,
        trusted,
        mode: this.options.mode,
        limits: this.options.limits,
        hideSuggestions: this.options.hideSuggestions,
        onRejection: (reason) => metrics.rejected(frontend, reason),
        onUntrusted: (characters) => {
          metrics.untrusted(frontend);
          this.options.logger.warn({ frontend, characters, transport: 'websocket' }, 'untrusted document');
        },
      },
      payload,
    );
    if (Array.isArray(admitted)) return admitted;
    connection.subscriptions.set(id, admitted.field);
    this.active.set(admitted.field, (this.active.get(admitted.field) ?? 0) + 1);
    this.activeTotal++;
    const record = newRecord(admitted.trustedDocument);
    const contextValue = frontends[frontend].buildContext(this.identity(connection, id, record));
    this.operations.set(contextValue, { connection, field: admitted.field });
    return { schema, document: admitted.document, operationName: payload.operationName ?? undefined, variableValues: admitted.variables, contextValue };
  }

  private run(args: ExecutionArgs): ReturnType<typeof subscribeWithEventContexts> {
    const operation = this.operations.get(args.contextValue as object) as { connection: Connection; field: string };
    const { connection, field } = operation;
    const setup = args.contextValue as OperationContext;
    let events = 0;
    return subscribeWithEventContexts(args, {
      eventContext: () =>
        this.options.frontends[connection.frontend].buildContext(this.identity(connection, `${setup.requestId}:${++events}`, newRecord(setup.record.trustedDocument))),
      onEvent: () => this.options.metrics.delivered(field),
    });
  }

  private release(connection: Connection, id: string): void {
    const field = connection.subscriptions.get(id);
    if (field === undefined) return;
    connection.subscriptions.delete(id);
    this.active.set(field, (this.active.get(field) ?? 1) - 1);
    this.activeTotal--;
  }

  /** A ping: a re-authentication when its payload carries a token; answered with a pong either way. */
  private async ping(connection: Connection, payload: Record<string, unknown> | undefined): Promise<void> {
    let answer = payload;
    if (payload && Object.keys(payload).some((key) => key.toLowerCase() === 'authorization')) {
      const result = await connection.auth.reauthenticate(payload);
      if (!result.ok) return this.closeWith(connection, result.code, result.reason);
      answer = { expiresAt: new Date(connection.auth.expiresAt ?? 0).toISOString() };
    }
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(answer ? { type: 'pong', payload: answer } : { type: 'pong' }));
  }

  private identity(connection: Connection, requestId: string, record: RequestRecord): KnownIdentity {
    return { requestId: `ws:${connection.id}:${requestId}`, viewer: connection.auth.viewer, locale: connection.locale, clientAddress: connection.clientAddress, record };
  }

  /** A result with errors, masked as over HTTP; without, graphql-ws sends it as it is. */
  private format(result: ExecutionResult): FormattedExecutionResult | undefined {
    if (!result.errors) return undefined;
    const { errors, ...rest } = result;
    return { ...rest, errors: errors.map((e) => this.options.formatError(e.toJSON(), e)) };
  }

  /** The first close of a socket wins: its code is what the client sees. */
  private closeWith(connection: Connection, code: number, reason: string): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.socket.close(code, clip(reason));
  }
}

function newRecord(trustedDocument: string | undefined): RequestRecord {
  return { downstreamCalls: 0, operationName: null, startedAt: performance.now(), ...(trustedDocument ? { trustedDocument } : {}) };
}
