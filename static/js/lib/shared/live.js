// A page's live rooms: one connection, every numbered change routed to its room's store,
// and a sync of every room after each (re)connection or when a room has missed something.
import { connect } from "./socket.js";
import { syncRoom } from "./store.js";

const RETRY_MS = 3000;

/**
 * Connect with `token` and keep `stores` (a Map room id → RoomStore) up to date.
 * Options are those of `connect` (onState, onConnect, on); returns the connection.
 */
export function goLive(token, stores, { onState, onConnect = () => {}, on = {} } = {}) {
  const retries = new Map();
  let connection = null;

  const sync = async (store) => {
    clearTimeout(retries.get(store.roomId));
    if (!connection || !connection.connected) return; // the next connect syncs every room
    const upToDate = await syncRoom(store, connection.call);
    if (!upToDate && store.needsSync && !store.syncing && connection.connected) {
      retries.set(store.roomId, setTimeout(() => sync(store), RETRY_MS));
    }
  };
  for (const store of stores.values()) store.onGap = sync;

  connection = connect(token, {
    onState,
    on,
    onConnect: () => {
      for (const store of stores.values()) sync(store);
      onConnect();
    },
  });
  // Any numbered change (it carries room_id and seq) goes to its room, whatever its name.
  connection.onAny((event, payload) => {
    if (payload && Number.isInteger(payload.seq) && stores.has(payload.room_id)) {
      stores.get(payload.room_id).apply(event, payload);
    }
  });
  return connection;
}
