// Types of @ordercast/client (ordercast.js beside this file) and of the events the server
// sends (docs/protocol.md §3.1).

export type State = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface Order {
  id: number;
  order_number: string;
  user_id: number;
  city_id: number;
  status: OrderStatus;
  subtotal?: number;
  total: number;
  bonuses_used: number;
  bonuses_earned: number;
  /** `menuItemId` is null on orders placed before the menu existed. */
  items: { menuItemId: number | null; name: string; price: number; quantity: number }[];
  comment: string;
  created_at: string;
  updated_at: string;
}

export type OrderStatus =
  | 'pending' | 'confirmed' | 'preparing' | 'ready' | 'delivering' | 'completed' | 'cancelled';

export interface EventData {
  'new-order': Order;
  'order-created': Order;
  'order-status-updated': { orderId: number; newStatus: OrderStatus; oldStatus: OrderStatus; timestamp: string };
  'bonus-updated': {
    balance: number;
    operation: { type: 'earned' | 'used' | 'refunded'; amount: number; orderId: number };
    timestamp: string;
  };
  'sync-success': { entity: 'order'; entityId: number; timestamp: string };
  'sync-error': { entity: 'order'; entityId: number; error: string; timestamp: string; attempt: number; willRetry: boolean };
  'order-unattended': { orderId: number; cityId: number; pendingSeconds: number; managersOnline: number; timestamp: string };
}

export interface ResyncData {
  reason: 'history-expired' | 'too-many' | 'unknown-position';
  lastEventId: number;
}

/** The whole frame an event came in. */
export interface Message<T = unknown> {
  type: string;
  id?: number;
  data: T;
}

export interface StateDetail {
  /** On `connected` after a resume: whether it was served exactly. */
  recovered?: boolean;
  /** On `disconnected` and `closed`: the close code and reason. */
  code?: number;
  reason?: string;
}

export interface Options {
  token?: string;
  /** Called before every connect: a token, or a promise of one. */
  getToken?: () => string | Promise<string>;
  /** A WebSocket constructor (Node: `ws`); the global one by default. */
  WebSocket?: unknown;
  /** Resume from this id on the first connect too, with the epoch it belongs to. */
  since?: number;
  epoch?: string;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  idlePingMs?: number;
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** [0, 1); Math.random by default (tests inject their own). */
  random?: () => number;
}

export interface RoomError extends Error {
  /** The server's error code: `forbidden`, `bad-room`, ... (`closed` after close()). */
  code: string;
}

export interface Client {
  readonly state: State;
  /** The id of the last event handed to handlers (or `connected`'s before the first). */
  readonly lastEventId: number | null;
  /** The event log's epoch, from the first `connected`. */
  readonly epoch: string | null;
  on<K extends keyof EventData>(type: K, handler: (data: EventData[K], message: Message<EventData[K]>) => void): () => void;
  on(type: 'state', handler: (state: State, detail: StateDetail) => void): () => void;
  on(type: 'resync', handler: (data: ResyncData) => void): () => void;
  on(type: string, handler: (data: any, message: Message) => void): () => void;
  off(type: string, handler: (...args: any[]) => void): void;
  /** Resolves on `room-joined`; rejects with the server's error code. Joined again after every reconnect. */
  join(roomId: string): Promise<{ roomId: string }>;
  leave(roomId: string): Promise<{ roomId: string }>;
  /** Stops everything: no reconnect, no timer, no listener left. */
  close(): void;
}

export function connect(url: string, options?: Options): Client;
