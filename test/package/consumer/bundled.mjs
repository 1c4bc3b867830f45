// Bundled into one file by esbuild and run where no node_modules exists: a deploy of a function or a container.
import { createClient, DataAnnotationsApi, signRequest } from "modelarts-data-annotations";

const credentials = { ak: "CONSUMERAK00000001", sk: "consumer-sk" };
let userAgent;
const fetchAndNote = (request) => {
  userAgent = request.headers.get("user-agent");
  return fetch(request);
};
const client = createClient({ endpoint: process.env.EMULATOR_URL, projectId: "p1", credentials, fetch: fetchAndNote });
const status = await new DataAnnotationsApi(client).sync_obs_status({ data_annotation_id: "282" });
const authorization = signRequest({ method: "GET", url: `${process.env.EMULATOR_URL}/v1/p1/x` }, credentials).Authorization;
console.log(JSON.stringify({ status, userAgent, signed: authorization.startsWith("SDK-HMAC-SHA256 ") }));
