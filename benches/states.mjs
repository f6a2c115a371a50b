// Synthetic states for the benchmarks.

/**
 * A state with `links` distinct non-owner links over `users` × `clients`:
 * user u gets clients (7u + j) mod clients for j = 0, 1, 2, …, which never
 * repeat for one user, skipping the clients u owns.
 */
export function makeState(users, clients, links) {
  const state = {
    users: Array.from({ length: users }, (_, i) => ({ id: i + 1, email: `user${i + 1}@example.com`, name: `User ${i + 1}` })),
    clients: Array.from({ length: clients }, (_, i) => ({ id: i + 1, owner_user_id: (i % users) + 1, company: `Client ${i + 1}` })),
    user_clients: [],
    invites: [],
  };
  for (let k = 0; state.user_clients.length < links; k++) {
    const u = k % users;
    const j = Math.floor(k / users);
    if (j >= clients) throw new Error(`${users} users × ${clients} clients cannot hold ${links} links`);
    const c = (u * 7 + j) % clients;
    if (state.clients[c].owner_user_id === u + 1) continue;
    state.user_clients.push({ user_id: u + 1, client_id: c + 1, permissions: ["profile", "invoices", "tickets"] });
  }
  return state;
}
