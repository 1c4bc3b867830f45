// A CommonJS user: require() of the package's ES modules (Node 20.19+), the client and the emulator.
const { createClient, DataAnnotationsApi, ModelArtsError } = require("modelarts-data-annotations");
const { startEmulator } = require("modelarts-data-annotations/emulator");
const os = require("node:os");

(async () => {
  const emulator = await startEmulator({
    port: 0,
    obsRoot: os.tmpdir(),
    credentials: [{ ak: "CONSUMERAK00000001", sk: "consumer-sk" }],
    jobs: [{ id: "282", name: "cats", data_path: "obs://bucket/cats/", type: 0 }],
  });
  try {
    const das = new DataAnnotationsApi(createClient({ endpoint: emulator.url, projectId: "p1", credentials: { ak: "CONSUMERAK00000001", sk: "consumer-sk" } }));
    const status = await das.sync_obs_status({ data_annotation_id: "282" });
    console.log(JSON.stringify({ status, errorClass: typeof ModelArtsError }));
  } finally {
    await emulator.close();
  }
})();
