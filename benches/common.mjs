// What the benchmarks share: synthetic states and the timing loop.

/** Median ns per call over 5 rounds of `n × scale` calls, after a warm-up. */
export function measure(n, f, scale = 1) {
  n = Math.max(10, Math.round(n * scale));
  for (let i = 0; i < Math.min(n, 20_000); i++) f(i);
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f(i);
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return rounds.sort((a, b) => a - b)[2];
}

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
