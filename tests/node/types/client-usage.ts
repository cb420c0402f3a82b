// Compiled by tests/node/client-types.test.mjs with tsc --noEmit --strict: the declarations
// of the official client (clients/js/ordercast.d.ts) describe how it is used.
import { connect, type Client, type State, type Order } from '../../../clients/js/ordercast.js';

const client: Client = connect('wss://orders.example.com', {
  getToken: async () => 'eyJ...',
  since: 4711,
  epoch: '9c1e0f3a77d2b6e4',
  minReconnectDelayMs: 500,
  random: Math.random,
});
const stop: () => void = client.on('new-order', (order: Order, message) => {
  const id: number = order.id;
  const at: number | undefined = message.id;
  console.log(id, at, order.items[0]?.menuItemId);
});
client.on('order-status-updated', (data) => console.log(data.orderId, data.newStatus.toUpperCase()));
client.on('bonus-updated', (data) => console.log(data.balance + data.operation.amount));
client.on('state', (state: State, detail) => console.log(state, detail.recovered, detail.code));
client.on('resync', ({ reason, lastEventId }) => console.log(reason, lastEventId + 1));
client.on('my-own-event', (data, message) => console.log(data, message.type));
const last: number | null = client.lastEventId;
const epoch: string | null = client.epoch;
async function rooms(): Promise<void> {
  const joined: { roomId: string } = await client.join('city-2-orders');
  await client.leave(joined.roomId);
}
void rooms();
stop();
client.close();
console.log(last, epoch);
