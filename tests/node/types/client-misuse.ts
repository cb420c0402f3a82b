// Must NOT compile: a status update's payload has no `status`, and join takes a room id.
import { connect } from '../../../clients/js/ordercast.js';

const client = connect('wss://orders.example.com', { token: 't' });
client.on('order-status-updated', (data) => console.log(data.status));
void client.join(42);
