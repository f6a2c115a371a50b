// The baseline of the endpoint benchmarks: the least a Node HTTP server can
// do for a POST (read the body, answer `{"result":"success"}`), with the
// same headers the real server sends. Prints its URL, like the real server.
import { createServer } from "node:http";

const body = '{"result":"success"}';
const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": String(body.length),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`bare node: http://127.0.0.1:${server.address().port}/\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)) && server.closeAllConnections());
