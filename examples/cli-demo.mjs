// `npm start`: the seed's example request (WHMCS docs, UpdateUserPermissions)
// and one error case, run on the embedded sample state, printed as WHMCS JSON.
import { readFileSync } from "node:fs";
import { formatResponse, localApi } from "whmcs-permissions";

const state = JSON.parse(readFileSync(new URL("./sample-state.json", import.meta.url), "utf8"));

const requests = [
  {
    title: "The WHMCS docs' example: user 1 gets every permission on client 1",
    command: "UpdateUserPermissions",
    postData: {
      user_id: "1",
      client_id: "1",
      permissions:
        "profile,contacts,products,manageproducts,productsso,domains,managedomains,invoices,quotes,tickets,affiliates,emails,orders",
    },
  },
  {
    title: "An error: user 2 owns client 1, so their permissions cannot be set",
    command: "UpdateUserPermissions",
    postData: { user_id: "2", client_id: "1", permissions: "profile" },
  },
];

let current = state;
for (const { title, command, postData } of requests) {
  const { response, state: next, changes } = localApi(command, postData, current);
  console.log(`# ${title}`);
  console.log(`$ localApi(${JSON.stringify(command)}, ${JSON.stringify(postData)})`);
  console.log(formatResponse(response, "json"));
  if (changes.length) console.log(`changes: ${JSON.stringify(changes)}`);
  console.log();
  current = next;
}
